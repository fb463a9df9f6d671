import { z } from "zod";
import type { Cache } from "../../shared/cache/cache.ts";
import { failOpen } from "../../shared/cache/fail-open.ts";
import { createUpstashCache } from "../../shared/cache/upstash-cache.ts";
import { parseConfig } from "../../shared/config.ts";
import type { Logger } from "../../shared/logger.ts";
import type { WorkerBindings } from "../platform/bindings.ts";

const cacheConfigSchema = z
  .object({
    UPSTASH_REDIS_REST_URL: z.url({ error: "expected the https URL of the Upstash Redis REST API" }).optional(),
    UPSTASH_REDIS_REST_TOKEN: z.string().min(1).optional(),
  })
  .refine((config) => Boolean(config.UPSTASH_REDIS_REST_URL) === Boolean(config.UPSTASH_REDIS_REST_TOKEN), {
    message: "set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN, or neither",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  });

/** The edge's search cache: Upstash Redis over REST when configured, else none. Throws ConfigError when half-configured. */
export function createWorkerSearchCache(env: WorkerBindings, log: Logger): Cache | undefined {
  const config = parseConfig(cacheConfigSchema, { UPSTASH_REDIS_REST_URL: env.UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_REDIS_REST_TOKEN });
  if (!config.UPSTASH_REDIS_REST_URL || !config.UPSTASH_REDIS_REST_TOKEN) return undefined;
  return failOpen(createUpstashCache({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN }), log);
}
