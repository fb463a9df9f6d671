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

type Reply = { result: unknown } | { error: string };

/**
 * The Cache port over Upstash Redis's REST API: `POST /` with the command as a
 * JSON array and a bearer token, the answer `{result}` or `{error}`
 * (https://upstash.com/docs/redis/features/restapi). Plain `fetch`, so it runs
 * in Workers; not @upstash/redis, whose client was ~90 KiB of the gateway
 * bundle for the four commands used here. No retries: a slow cache must not
 * slow the answer the database can give.
 * @example const cache = createUpstashCache({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN })
 */
export function createUpstashCache(options: UpstashCacheOptions): Cache {
  const timeoutMs = options.timeoutMs ?? 300;
  const endpoint = options.url.replace(/\/+$/, "");
  const post = async (path: string, body: unknown): Promise<unknown> => {
    try {
      const response = await fetch(`${endpoint}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        // A fresh deadline for every request.
        signal: AbortSignal.timeout(timeoutMs),
      });
      return await response.json();
    } catch (error) {
      throw new CacheError(`upstash request failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  // Commands issued in the same tick go as one `POST /pipeline` (as @upstash/redis's auto-pipelining did):
  // a burst of lookups costs one round trip, not one connection each.
  let queue: Array<{ args: Array<string | number>; settle: (reply: Reply | Error) => void }> = [];
  const flush = async () => {
    const batch = queue;
    queue = [];
    try {
      const replies =
        batch.length === 1
          ? [await post("", batch[0]?.args)]
          : await post(
              "/pipeline",
              batch.map((item) => item.args),
            );
      const list = Array.isArray(replies) ? replies : [replies];
      batch.forEach((item, index) => item.settle((list[index] as Reply | undefined) ?? new CacheError("upstash pipeline answered short")));
    } catch (error) {
      for (const item of batch) item.settle(error instanceof Error ? error : new CacheError(String(error)));
    }
  };
  const command = async (...args: Array<string | number>): Promise<unknown> => {
    const reply = await new Promise<Reply | Error>((settle) => {
      if (queue.push({ args, settle }) === 1) queueMicrotask(() => void flush());
    });
    if (reply instanceof Error) throw reply;
    if ("error" in reply) throw new CacheError(`upstash request failed: ${reply.error}`);
    return reply.result;
  };
  return {
    async get(key) {
      const value = await command("GET", key);
      return typeof value === "string" ? value : null;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await command("SET", key, value, "EX", ttlSeconds);
    },
    async delete(key) {
      await command("DEL", key);
    },
    async increment(key) {
      const value = await command("INCR", key);
      if (typeof value !== "number") throw new CacheError(`upstash INCR answered ${JSON.stringify(value)}`);
      return value;
    },
    async setTagged(key, value, ttlSeconds, options) {
      const { keys, args } = fillArguments(key, value, ttlSeconds, options);
      return Number(await command("EVAL", fillScript, keys.length, ...keys, ...args));
    },
    invalidateTags: (tags, fenceSeconds) =>
      invalidateTagsWith(
        {
          // Issued in one tick, so the auto-pipeline sends a chunk's fences and listings as one request.
          fenceAndList: (chunk, seconds) =>
            Promise.all(
              chunk.map(async (tag) => {
                const [, members] = await Promise.all([command("SET", fenceKey(tag), "1", "EX", seconds), command("ZRANGE", tag, 0, -1)]);
                return Array.isArray(members) ? members.map(String) : [];
              }),
            ),
          async del(keys) {
            await command("DEL", ...keys);
          },
        },
        tags,
        fenceSeconds,
      ),
    async close() {},
  };
}
