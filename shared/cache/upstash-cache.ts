import { Redis } from "@upstash/redis/cloudflare";
import { assertTtl, CacheError, type Cache } from "./cache.ts";
import { fenceKey, fillArguments, fillScript, invalidateTagsWith } from "./tags.ts";

export interface UpstashCacheOptions {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
  /** A request that takes longer is abandoned (and counts as a miss upstream); default 300 ms. */
  timeoutMs?: number;
}

/**
 * The Cache port over Upstash Redis's REST API: fetch only, so it runs in
 * Workers (no TCP). Values are kept as strings (no automatic JSON parsing),
 * and the client's own retries are off: a slow cache must not slow the answer
 * the database can give.
 * @example const cache = createUpstashCache({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN })
 */
export function createUpstashCache(options: UpstashCacheOptions): Cache {
  const timeoutMs = options.timeoutMs ?? 300;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: false,
    retry: false,
    enableTelemetry: false,
    // A fresh deadline for every request.
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  const run = async <T>(operation: (client: Redis) => Promise<T>): Promise<T> => {
    try {
      return await operation(redis);
    } catch (error) {
      throw new CacheError(`upstash request failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  return {
    get: (key) => run((redis) => redis.get<string>(key)),
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await run((redis) => redis.set(key, value, { ex: ttlSeconds }));
    },
    async delete(key) {
      await run((redis) => redis.del(key));
    },
    increment: (key) => run((redis) => redis.incr(key)),
    async setTagged(key, value, ttlSeconds, options) {
      const { keys, args } = fillArguments(key, value, ttlSeconds, options);
      return Number(await run((redis) => redis.eval<string[], unknown>(fillScript, keys, args)));
    },
    invalidateTags: (tags, fenceSeconds) =>
      run((redis) =>
        invalidateTagsWith(
          {
            async fenceAndList(chunk, seconds) {
              const pipeline = redis.pipeline();
              for (const tag of chunk) pipeline.set(fenceKey(tag), "1", { ex: seconds }).zrange(tag, 0, -1);
              const replies = await pipeline.exec<unknown[]>();
              return chunk.map((_, index) => replies[index * 2 + 1] as string[]);
            },
            async del(keys) {
              await redis.del(...keys);
            },
          },
          tags,
          fenceSeconds,
        ),
      ),
    async close() {},
  };
}
