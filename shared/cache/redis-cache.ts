import { Redis } from "ioredis";
import { assertTtl, type Cache } from "./cache.ts";
import { fenceKey, fillArguments, fillScript, invalidateTagsWith } from "./tags.ts";

export interface RedisCacheOptions {
  /** redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379 */
  url: string;
  /** Every command fails after this long instead of waiting for a dead server; default 250 ms. */
  commandTimeoutMs?: number;
}

/**
 * The Cache port over Redis TCP (ioredis), for the origin. Fails fast while
 * disconnected (no offline queue, no per-command retries) so that a dead Redis
 * costs a caller milliseconds, not seconds; ioredis keeps reconnecting in the
 * background.
 * @example const cache = createRedisCache({ url: "redis://127.0.0.1:6379" })
 */
export function createRedisCache(options: RedisCacheOptions): Cache {
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 250,
    connectTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  // Connection errors surface through the failing commands; without a listener ioredis logs them to stderr.
  client.on("error", () => undefined);
  // Without an offline queue, commands sent before the first connection is up
  // fail at once: wait for the first attempt (bounded), never again after it.
  const firstAttempt = new Promise<void>((resolve) => {
    const timer = setTimeout(done, options.commandTimeoutMs ?? 250);
    client.once("ready", done);
    client.once("error", done);
    function done() {
      clearTimeout(timer);
      client.off("ready", done);
      client.off("error", done);
      resolve();
    }
  });
  const connected = () => firstAttempt;
  let closed: Promise<void> | undefined;
  return {
    async get(key) {
      await connected();
      return client.get(key);
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await connected();
      await client.set(key, value, "EX", ttlSeconds);
    },
    async delete(key) {
      await connected();
      await client.del(key);
    },
    async increment(key) {
      await connected();
      return client.incr(key);
    },
    async setTagged(key, value, ttlSeconds, options) {
      const { keys, args } = fillArguments(key, value, ttlSeconds, options);
      await connected();
      return Number(await client.eval(fillScript, keys.length, ...keys, ...args));
    },
    async invalidateTags(tags, fenceSeconds) {
      await connected();
      return invalidateTagsWith(
        {
          async fenceAndList(chunk, seconds) {
            const pipeline = client.pipeline();
            for (const tag of chunk) pipeline.set(fenceKey(tag), "1", "EX", seconds).zrange(tag, "0", "-1");
            const replies = (await pipeline.exec()) ?? [];
            return chunk.map((_, index) => {
              const [fenceError] = replies[index * 2] ?? [];
              const [error, keys] = replies[index * 2 + 1] ?? [];
              if (fenceError || error) throw fenceError ?? error;
              return keys as string[];
            });
          },
          async del(keys) {
            await client.del(...keys);
          },
        },
        tags,
        fenceSeconds,
      );
    },
    close() {
      closed ??= client.quit().then(
        () => undefined,
        () => client.disconnect(),
      );
      return closed;
    },
  };
}
