/**
 * Key layout of cached searches, shared by the edge (reads, fills) and the
 * indexer (invalidates):
 *
 *   search:version                          counter, INCR after every committed index change
 *   search:v<version>:<type>:<limit>:<cursor>:<query>   one page of results (JSON), TTL below
 *
 * Bumping the version orphans every cached page at once; orphans expire by TTL.
 */
export const searchVersionKey = "search:version";

/** Also the bound on staleness if an invalidation is lost (Redis down while the indexer wrote). */
export const searchCacheTtlSeconds = 60;

/** The cache key of one page: the query normalised as the search normalises it (case, spaces). */
export function searchPageKey(version: string, page: { type: string; limit: number; cursor?: string | undefined; q: string }): string {
  const query = page.q.trim().toLowerCase().replace(/\s+/g, " ");
  return `search:v${version}:${page.type}:${page.limit}:${page.cursor ?? ""}:${query}`;
}
