import type { Logger } from "../logger.ts";
import type { Cache } from "./cache.ts";

/**
 * Wraps a cache so that it can only help: a failed or slow `get` is a miss, a
 * failed write is dropped (a failed setTagged stores nothing: 0); each failure is logged (at most one line per
 * `quietMs`, so an outage does not flood the logs). `increment` and `invalidateTags` still throw:
 * a writer that cannot invalidate must know it.
 */
export function failOpen(cache: Cache, logger: Logger, options: { timeoutMs?: number; quietMs?: number } = {}): Cache {
  const timeoutMs = options.timeoutMs ?? 300;
  const quietMs = options.quietMs ?? 10_000;
  let lastReport = -Infinity;
  const report = (operation: string, error: unknown) => {
    const now = Date.now();
    if (now - lastReport < quietMs) return;
    lastReport = now;
    logger.warn("cache unavailable; answering without it", { operation, error });
  };
  const bounded = <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`cache did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };
  return {
    async get(key) {
      try {
        return await bounded(cache.get(key));
      } catch (error) {
        report("get", error);
        return null;
      }
    },
    async set(key, value, ttlSeconds) {
      try {
        await bounded(cache.set(key, value, ttlSeconds));
      } catch (error) {
        if (error instanceof RangeError) throw error;
        report("set", error);
      }
    },
    async delete(key) {
      try {
        await bounded(cache.delete(key));
      } catch (error) {
        report("delete", error);
      }
    },
    async setTagged(key, value, ttlSeconds, options) {
      try {
        return await bounded(cache.setTagged(key, value, ttlSeconds, options));
      } catch (error) {
        if (error instanceof RangeError) throw error;
        report("setTagged", error);
        return 0;
      }
    },
    increment: (key) => bounded(cache.increment(key)),
    // Like increment: a writer that could not invalidate must know it. Not
    // bounded by the read timeout: a large invalidation is many commands, and
    // each one has the adapter's own timeout.
    invalidateTags: (tags, fenceSeconds) => cache.invalidateTags(tags, fenceSeconds),
    close: () => cache.close(),
  };
}
