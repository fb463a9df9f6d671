/**
 * What per-entity invalidation of cached searches keeps and costs, on a
 * generated catalog and a real Redis (not a test):
 *
 *   createdb tunec_search_cache_bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tunec_search_cache_bench npm run catalog:generate -- --tracks 100000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tunec_search_cache_bench REDIS_URL=redis://127.0.0.1:6379/7 \
 *     npm run bench:search-cache [-- --queries 300 --changes 200]
 *
 * Use a Redis database of its own (`/7`): a version bump by anyone else would
 * orphan every page and spoil the count.
 *
 * 1. Fills: the pages of queries made from sampled tracks
 *    (search-queries.ts, five kinds) are searched on PostgreSQL and stored as
 *    GET /search stores them: `setTagged`. The baseline is a plain `SET` of the
 *    same page, as the global-version scheme did.
 * 2. Changes: tracks change in turn by an edit that keeps their words (a
 *    cover, a takedown), a rename (one new word) and a new upload (every word
 *    new), half of them tracks the cached pages list; the indexer's own code
 *    computes the tags and invalidates (changedDocuments, invalidateDocuments).
 *    The baseline is the `INCR search:version` it replaces.
 * 3. Survival: after 10, 50 and all changes, the share of cached pages still
 *    there (the version bump keeps none after the first change), with two
 *    checks: no page that lists a changed track survives, and how many
 *    dropped pages listed none (term-tag over-invalidation).
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { searchCacheTtlSeconds, searchMaxPagesPerTag, searchOverflowTtlSeconds, searchPageKey, searchVersionKey } from "../../shared/cache/search-keys.ts";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { searchForms } from "../../origin/indexer/apply.ts";
import { changedDocuments, invalidateDocuments } from "../../origin/indexer/invalidation.ts";
import { entityTags, queryTermTags } from "../../workers/search/cache-tags.ts";
import { postgresSearch } from "../../workers/search/search-port.ts";
import { buildQueries, type SampleTrack } from "./search-queries.ts";

const { values } = parseArgs({ options: { queries: { type: "string", default: "300" }, changes: { type: "string", default: "200" } } });
const config = parseConfig(nodeConfigSchema, process.env);
if (!config.DATABASE_URL || !config.REDIS_URL)
  throw new Error("DATABASE_URL (a generated catalog) and REDIS_URL (a database of its own, e.g. /7) are required");
const db = createPostgresDatabase(config.DATABASE_URL, { maxConnections: 2, applicationName: "tunec-bench-search-cache" });
const cache = createRedisCache({ url: config.REDIS_URL, commandTimeoutMs: 5_000 });
const logger = createLogger({ bench: "search-cache" }, "warn");

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};
const line = (label: string, ms: number[], base: number[]) => {
  const a = stats(ms);
  const b = stats(base);
  console.log(
    `${label.padEnd(34)} p50 ${a.p50.toFixed(3)} ms  p95 ${a.p95.toFixed(3)} ms   baseline p50 ${b.p50.toFixed(3)} / p95 ${b.p95.toFixed(3)} ms   ratio p50 ${(a.p50 / b.p50).toFixed(2)}×`,
  );
};

try {
  const run = crypto.randomUUID().slice(0, 8);
  const sample = await sql<SampleTrack>`
    select id, title, artist_names[1] as artist from search.tracks where visible order by md5(id::text) limit ${Number(values.queries)}`.execute(db);
  const queries = buildQueries(sample.rows);
  const version = (await cache.get(searchVersionKey)) ?? "0";
  const search = postgresSearch(db);
  // Longer than the real 60 s so no page expires during the run: survival counts invalidations only.
  const pageTtl = searchCacheTtlSeconds * 10;

  // 1. Fills.
  const pages: Array<{ key: string; ids: string[] }> = [];
  const fill: number[] = [];
  const plain: number[] = [];
  let tagCount = 0;
  for (const query of queries) {
    const hits = (await search.search({ q: query.q, type: "track", limit: 20 })).hits.slice(0, 20);
    const ids = hits.map((hit) => hit.id);
    const value = JSON.stringify({ type: "track", items: hits, next_cursor: null });
    const key = searchPageKey(version, { type: "track", limit: 20, q: `${query.q} ${run}` });
    const tags = [...entityTags({ tracks: ids, albums: [], artists: [] }), ...queryTermTags(query.q)];
    tagCount += tags.length;
    let started = performance.now();
    await cache.set(`bench:${run}:plain:${pages.length}`, value, pageTtl);
    plain.push(performance.now() - started);
    started = performance.now();
    await cache.setTagged(key, value, pageTtl, {
      tags,
      maxKeysPerTag: searchMaxPagesPerTag,
      overflowTtlSeconds: searchOverflowTtlSeconds,
    });
    fill.push(performance.now() - started);
    pages.push({ key, ids });
  }
  console.log(
    `${pages.length} pages of ${queries.length} queries (${sample.rows.length} sampled tracks), ${(tagCount / pages.length).toFixed(1)} tags per page`,
  );
  line("fill: setTagged vs SET", fill, plain);

  // 2 and 3. Changes, and what survives them.
  const picks = await sql<{ id: string; album_id: string | null; artist_ids: string[] }>`
    select id, album_id, artist_ids from search.tracks where visible order by random() limit ${Number(values.changes)}`.execute(db);
  // Half the changes hit tracks the cached pages list, as edits of popular tracks would.
  const listed = [...new Set(pages.flatMap((page) => page.ids))];
  const changed: string[] = [];
  // Pages each kind of change drops, over the first changes (while there are pages left to drop).
  const sampled = 30;
  const dropped = { edit: [] as number[], rename: [] as number[], upload: [] as number[] };
  const invalidate: number[] = [];
  const bump: number[] = [];
  for (const [index, pick] of picks.rows.entries()) {
    const id = index % 2 === 0 ? (listed[(index * 7919) % listed.length] ?? pick.id) : pick.id;
    const placement = await db.selectFrom("search.tracks").select(["album_id", "artist_ids"]).where("id", "=", id).executeTakeFirstOrThrow();
    changed.push(id);
    const ids = { tracks: [id], albums: placement.album_id ? [placement.album_id] : [], artists: placement.artist_ids };
    // Round robin: an edit that keeps the words (cover, duration, takedown), a rename (one new word), a new upload (all words new).
    const unchanged = await changedDocuments(db, { ...ids, before: await searchForms(db, ids) });
    const documents = unchanged.map((document) =>
      index % 3 === 0
        ? document
        : index % 3 === 1
          ? document.kind === "track"
            ? { ...document, searchForm: `${document.searchForm} novoe${index}slovo` }
            : document
          : document.kind === "track"
            ? { ...document, previousForm: "" }
            : document,
    );
    const kind = (["edit", "rename", "upload"] as const)[index % 3] ?? "edit";
    const alive = async () => {
      let count = 0;
      for (const page of pages) if ((await cache.get(page.key)) !== null) count += 1;
      return count;
    };
    const aliveBefore = index < sampled ? await alive() : 0;
    let started = performance.now();
    await invalidateDocuments(cache, documents, logger);
    invalidate.push(performance.now() - started);
    if (index < sampled) dropped[kind].push(aliveBefore - (await alive()));
    started = performance.now();
    await cache.increment(`bench:${run}:version`);
    bump.push(performance.now() - started);
    if ([10, 50, picks.rows.length].includes(index + 1)) {
      let alive = 0;
      let staleListed = 0;
      let overDropped = 0;
      const gone = new Set(changed);
      for (const page of pages) {
        const present = (await cache.get(page.key)) !== null;
        const lists = page.ids.some((pageId) => gone.has(pageId));
        if (present) alive += 1;
        if (present && lists) staleListed += 1;
        if (!present && !lists) overDropped += 1;
      }
      console.log(
        `after ${String(index + 1).padStart(3)} changes: ${alive}/${pages.length} pages cached (${((100 * alive) / pages.length).toFixed(1)} %; version bump: 0 %); pages listing a changed track still cached: ${staleListed}; dropped without listing one: ${overDropped}`,
      );
    }
  }
  line("change: invalidateDocuments vs INCR", invalidate, bump);
  for (const [kind, counts] of Object.entries(dropped))
    console.log(
      `pages dropped by one ${kind.padEnd(6)} (first ${sampled} changes): mean ${(counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length)).toFixed(1)} of ${pages.length}`,
    );
  for (const page of pages) await cache.delete(page.key);
} finally {
  await cache.close();
  await db.destroy();
}
