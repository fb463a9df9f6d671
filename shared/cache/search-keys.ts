/**
 * Key layout of cached searches, shared by the edge (reads, fills) and the
 * indexer (invalidates):
 *
 *   search:version                          counter; a bump drops every page at once (reindex, large changes)
 *   search:v<version>:<type>:<limit>:<cursor>:<query>   one page of results (JSON), TTL below
 *   search:tag:<track|album|artist>:<id>    sorted set of the pages showing that entity (tags.ts)
 *   search:tag:<t|s>:<letters>              sorted set of the pages whose query has a word starting so
 *   search:tag:…:fence                      set for a while after the tag was invalidated
 *
 * The indexer invalidates the tags of what it changed (workers/search/cache-tags.ts).
 * Orphans of a version bump expire by TTL.
 */
export const searchVersionKey = "search:version";

/** Also the bound on staleness if an invalidation is lost (Redis down while the indexer wrote), or a change matched by typo only. */
export const searchCacheTtlSeconds = 60;

/** An empty page: the answer a new entity is likeliest to change, through a typo match that term tags miss. */
export const searchEmptyTtlSeconds = 10;

/** A page past the cap of one of its tags could not be dropped by that tag: it lives this long only. */
export const searchOverflowTtlSeconds = 10;

/** Pages recorded per tag (a popular artist or a common word start): bounds the sets and one invalidation's work. */
export const searchMaxPagesPerTag = 1_000;

/**
 * After a tag is invalidated, pages carrying it are not stored for this long,
 * and the edge stores no page that took longer than searchFillBudgetMs to
 * compute, so a page computed before a change is never stored after it.
 */
export const searchFenceSeconds = 15;
export const searchFillBudgetMs = 5_000;

/** The cache key of one page: the query normalised as the search normalises it (case, spaces). */
export function searchPageKey(version: string, page: { type: string; limit: number; cursor?: string | undefined; q: string }): string {
  const query = page.q.trim().toLowerCase().replace(/\s+/g, " ");
  return `search:v${version}:${page.type}:${page.limit}:${page.cursor ?? ""}:${query}`;
}
