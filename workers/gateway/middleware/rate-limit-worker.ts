/**
 * The Workers adapter of rate limiting: limits from the Worker's vars, counted
 * by the RateLimiter Durable Object. Built once per isolate by the entry.
 */
import { durableRateLimiter } from "../../../durable-objects/rate-limiter/client.ts";
import { parseConfig, rateLimitConfigSchema } from "../../../shared/config.ts";
import type { WorkerBindings } from "../../platform/bindings.ts";
import type { RateLimitSettings } from "./rate-limit.ts";

/** Throws `ConfigError` naming each malformed RATE_LIMIT_* variable. */
export function createWorkerRateLimit(env: WorkerBindings): RateLimitSettings {
  const config = parseConfig(rateLimitConfigSchema, {
    RATE_LIMIT_ANONYMOUS: env.RATE_LIMIT_ANONYMOUS,
    RATE_LIMIT_USER: env.RATE_LIMIT_USER,
    RATE_LIMIT_LOGIN_IP: env.RATE_LIMIT_LOGIN_IP,
    RATE_LIMIT_LOGIN_EMAIL: env.RATE_LIMIT_LOGIN_EMAIL,
    RATE_LIMIT_LOGIN_EMAIL_ANY: env.RATE_LIMIT_LOGIN_EMAIL_ANY,
    RATE_LIMIT_REGISTER: env.RATE_LIMIT_REGISTER,
    RATE_LIMIT_REFRESH: env.RATE_LIMIT_REFRESH,
    RATE_LIMIT_CALLBACKS: env.RATE_LIMIT_CALLBACKS,
  });
  return {
    limiter: durableRateLimiter(env.RATE_LIMITER),
    config,
    // Cloudflare always sets CF-Connecting-IP; only a local server may need the proxy headers.
    trustProxyHeaders: env.ENVIRONMENT === "development" || env.ENVIRONMENT === "test",
    exempt: ["/ping"],
  };
}
