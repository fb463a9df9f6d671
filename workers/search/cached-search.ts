import type { Cache } from "../../shared/cache/cache.ts";
import {
  searchCacheTtlSeconds,
  searchEmptyTtlSeconds,
  searchFillBudgetMs,
  searchMaxPagesPerTag,
  searchOverflowTtlSeconds,
  searchPageKey,
  searchVersionKey,
} from "../../shared/cache/search-keys.ts";
import { entityTags, queryTermTags, type SearchEntities } from "./cache-tags.ts";

/**
 * One page of search results through the hot-query cache. A page is stored
 * with the tags of the entities it shows and of its query's words
 * (cache-tags.ts), and the indexer drops exactly the pages whose tags a
 * change touches; the key also carries a version that a reindex bumps to drop
 * everything. A page is never served from before a change it should show,
 * beyond its TTL if an invalidation was lost or a change matches it by typo
 * only. Without a cache, or when it fails, the engine answers.
 */
export async function cachedPage<T>(
  cache: Cache | undefined,
  page: { type: string; limit: number; cursor?: string | undefined; q: string },
  compute: () => Promise<T>,
  decode: (json: unknown) => T,
  entitiesOf: (value: T) => SearchEntities,
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
  const started = Date.now();
  const value = await compute();
  // A slow page may predate an invalidation whose fence has already lapsed: not stored (search-keys.ts).
  if (Date.now() - started <= searchFillBudgetMs) {
    const entities = entitiesOf(value);
    const empty = entities.tracks.length + entities.albums.length + entities.artists.length === 0;
    await cache.setTagged(key, JSON.stringify(value), empty ? searchEmptyTtlSeconds : searchCacheTtlSeconds, {
      tags: [...entityTags(entities), ...queryTermTags(page.q)],
      maxKeysPerTag: searchMaxPagesPerTag,
      overflowTtlSeconds: searchOverflowTtlSeconds,
    });
  }
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
