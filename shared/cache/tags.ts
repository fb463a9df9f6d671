/**
 * Tagged entries on Redis, shared by both adapters (ioredis at the origin,
 * Upstash REST at the edge): the commands are the same, only the transport
 * differs.
 *
 * Layout: a tag is a sorted set of the keys recorded under it, each scored by
 * the key's expiry (ms, by the writer's clock), and `<tag>:fence` is set for a while
 * after the tag is invalidated.
 *
 * Why the fence: a reader computes a value, the writer changes the source and
 * invalidates, then the reader stores what it computed before the change.
 * The fill below refuses tags fenced now, and readers do not store a value
 * whose computation took longer than the fence (see the search cache), so a
 * value computed before an invalidation is never stored after it.
 */
import { assertTtl, type TaggedWrite } from "./cache.ts";

export const fenceKey = (tag: string): string => `${tag}:fence`;

/**
 * Expired names are pruned only once they are this far past their expiry:
 * the clock is the callers' (a script should not read the server's clock:
 * Upstash replays scripts), so an edge whose clock runs ahead must not prune
 * a name whose page still lives.
 */
export const pruneGraceMs = 60_000;

/**
 * One atomic fill. KEYS: the key, the n tags, their n fences.
 * ARGV: value, ttl, overflow ttl, max keys per tag, the caller's clock (ms).
 * Only declared keys are touched, and nothing depends on the server's clock.
 */
export const fillScript = `
local n = (#KEYS - 1) / 2
for i = 1, n do
  if redis.call('EXISTS', KEYS[n + 1 + i]) == 1 then return 0 end
end
local now = tonumber(ARGV[5])
local ttl = tonumber(ARGV[2])
local cap = tonumber(ARGV[4])
local room = {}
for i = 1, n do
  local tag = KEYS[1 + i]
  redis.call('ZREMRANGEBYSCORE', tag, '-inf', now - ${pruneGraceMs})
  room[i] = (redis.call('ZSCORE', tag, KEYS[1]) ~= false) or (redis.call('ZCARD', tag) < cap)
  if not room[i] then ttl = tonumber(ARGV[3]) end
end
for i = 1, n do
  if room[i] then
    local tag = KEYS[1 + i]
    redis.call('ZADD', tag, now + ttl * 1000, KEYS[1])
    if redis.call('PTTL', tag) < ttl * 1000 + ${pruneGraceMs} then redis.call('PEXPIRE', tag, ttl * 1000 + ${pruneGraceMs}) end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
return ttl
`;

/** The KEYS and ARGV of fillScript; validates the numbers. */
export function fillArguments(key: string, value: string, ttlSeconds: number, options: TaggedWrite): { keys: string[]; args: string[] } {
  assertTtl(ttlSeconds);
  assertTtl(options.overflowTtlSeconds);
  if (!Number.isInteger(options.maxKeysPerTag) || options.maxKeysPerTag < 1)
    throw new RangeError(`maxKeysPerTag must be an integer ≥ 1, got ${options.maxKeysPerTag}`);
  const tags = [...new Set(options.tags)];
  return {
    keys: [key, ...tags, ...tags.map(fenceKey)],
    args: [
      value,
      String(ttlSeconds),
      String(Math.min(options.overflowTtlSeconds, ttlSeconds)),
      String(options.maxKeysPerTag),
      String(options.now ?? Date.now()),
    ],
  };
}

/** What an adapter runs for invalidateTags, as two round trips. */
export interface TagTransport {
  /** In order, on one connection: SET fence EX, then ZRANGE tag 0 -1, per tag; returns each tag's keys. */
  fenceAndList(tags: readonly string[], fenceSeconds: number): Promise<string[][]>;
  /** DEL of these keys (chunked by the caller). */
  del(keys: readonly string[]): Promise<void>;
}

/**
 * Fences first, lists second: a fill that ran before the fence is in the
 * list; one after it is refused. So deleting the listed keys and the sets
 * themselves cannot lose a key that needed dropping.
 */
export async function invalidateTagsWith(transport: TagTransport, tags: readonly string[], fenceSeconds: number): Promise<number> {
  assertTtl(fenceSeconds);
  const unique = [...new Set(tags)];
  let deleted = 0;
  for (let start = 0; start < unique.length; start += 200) {
    const chunk = unique.slice(start, start + 200);
    const lists = await transport.fenceAndList(chunk, fenceSeconds);
    const keys = [...new Set(lists.flat())];
    deleted += keys.length;
    const doomed = [...keys, ...chunk];
    for (let at = 0; at < doomed.length; at += 500) await transport.del(doomed.slice(at, at + 500));
  }
  return deleted;
}
