import { Redis } from "ioredis";

/**
 * The Redis of the test run (REDIS_URL, default redis://127.0.0.1:6379), or
 * null when none answers: suites then skip with a message, except under
 * CI=true, where Redis is part of the environment and its absence must fail.
 */
export async function testRedisUrl(): Promise<string | null> {
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return url;
  } catch (error) {
    if (process.env.CI === "true") throw new Error(`CI=true but Redis at ${url} does not answer: ${String(error)}`);
    console.warn(`Redis at ${url} does not answer; skipping the Redis suites (start redis-server or set REDIS_URL)`);
    return null;
  } finally {
    probe.disconnect();
  }
}
