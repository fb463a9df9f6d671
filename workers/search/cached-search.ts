import type { Cache } from "../../shared/cache/cache.ts";
import { searchCacheTtlSeconds, searchPageKey, searchVersionKey } from "../../shared/cache/search-keys.ts";

/**
 * One page of search results through the hot-query cache: the key carries the
 * index version the indexer bumps after every change, so a page is never
 * served from before a change it should show (beyond the cache's TTL if an
 * invalidation was lost). Without a cache, or when it fails, the database answers.
 */
export async function cachedPage<T>(
  cache: Cache | undefined,
  page: { type: string; limit: number; cursor?: string | undefined; q: string },
  compute: () => Promise<T>,
  decode: (json: unknown) => T,
): Promise<{ value: T; cache: "hit" | "miss" | "off" }> {
  if (!cache) return { value: await compute(), cache: "off" };
  const version = (await cache.get(searchVersionKey)) ?? "0";
  const key = searchPageKey(version, page);
  const cached = await cache.get(key);
  if (cached !== null) {
    try {
      return { value: decode(JSON.parse(cached)), cache: "hit" };
    } catch {
      // A page written by an older release: recompute it.
    }
  }
  const value = await compute();
  await cache.set(key, JSON.stringify(value), searchCacheTtlSeconds);
  return { value, cache: "miss" };
}

/** A short stable fingerprint (FNV-1a, 32 bits) tying a cursor to its query. */
export function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}
