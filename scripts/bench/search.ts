/**
 * Search latency and index freshness on a generated catalog (not a test):
 *
 *   createdb tunec_search_bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tunec_search_bench npm run catalog:generate -- --tracks 1000000
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tunec_search_bench npm run bench:search [-- --queries 200 --changes 50]
 *   dropdb tunec_search_bench
 *
 * Engines (issue 16): `--engine postgres,opensearch` (default postgres) runs
 * every measurement on each engine in the same run, over the same catalog
 * and the same queries; OpenSearch needs OPENSEARCH_URL (npm run
 * opensearch:start) and is filled by the reindex step. `--reindex` first
 * times a full reindex of each engine (PostgreSQL: the read model from the
 * catalog; OpenSearch: new indices from the read model, then the alias swap).
 *
 * Latency: queries made from sampled tracks (scripts/bench/search-queries.ts),
 * one at a time, through the search port GET /search uses (PostgreSQL:
 * workers/search/search-query.ts over pg; OpenSearch: the fetch adapter):
 * engine time plus one round trip, without HTTP or the cache. Also reports how often the expected
 * track is among the first 10 hits.
 *
 * Freshness: CDC and the indexer run in this process (as `npm run origin`
 * would, shipping to OpenSearch when it is measured); a track's title is
 * changed with plain SQL and each engine is polled until the new title finds it.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { z } from "zod";
import { nodeConfigSchema, openSearchAuth, parseConfig } from "../../shared/config.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { cdcService } from "../../origin/cdc/service.ts";
import { indexerService } from "../../origin/indexer/service.ts";
import { cleanupOnInterrupt } from "../../origin/platform/interrupt.ts";
import { reindex } from "../../origin/indexer/reindex.ts";
import { reindexOpenSearch } from "../../origin/indexer/opensearch-reindex.ts";
import { openSearchSearch } from "../../workers/search/opensearch/adapter.ts";
import { createOpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { postgresSearch, type SearchPort } from "../../workers/search/search-port.ts";
import { progressBar } from "../progress.ts";
import { buildQueries, queryKinds, type SampleTrack } from "./search-queries.ts";

const { values } = parseArgs({
  options: {
    queries: { type: "string", default: "200" },
    changes: { type: "string", default: "50" },
    slowest: { type: "string", default: "0" },
    engine: { type: "string", default: "postgres" },
    reindex: { type: "boolean", default: false },
    // debug: the indexer's pump logs where each OpenSearch shipment's time went (notes, documents, bulk with refresh).
    "log-level": { type: "string", default: "warn" },
  },
});
const config = parseConfig(nodeConfigSchema, process.env);
if (!config.DATABASE_URL) throw new Error("DATABASE_URL is required: a database with a generated catalog (npm run catalog:generate)");
const engineNames = values.engine.split(",").map((name) => name.trim());
if (engineNames.some((name) => name !== "postgres" && name !== "opensearch"))
  throw new Error(`--engine takes postgres, opensearch or both comma-separated, got ${values.engine}`);
if (engineNames.includes("opensearch") && !config.OPENSEARCH_URL)
  throw new Error("--engine opensearch needs OPENSEARCH_URL (npm run opensearch:start prints it)");
const openSearch = config.OPENSEARCH_URL ? createOpenSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: 120_000, auth: openSearchAuth(config) }) : undefined;
const databaseUrl = config.DATABASE_URL;
const db = createPostgresDatabase(databaseUrl, { maxConnections: 4, applicationName: "tunec-bench-search" });
// The baseline of each engine: a trivial round trip, so a loaded machine's latency can be told from the engine's cost.
const engines: Array<{ name: string; port: SearchPort; roundTrip: () => Promise<unknown>; baseline: string }> = engineNames.map((name) =>
  name === "opensearch" && openSearch
    ? {
        name,
        port: openSearchSearch(openSearch, { prefix: config.OPENSEARCH_INDEX_PREFIX }),
        roundTrip: () => openSearch.request("GET", "/", z.unknown()),
        baseline: "GET /",
      }
    : { name, port: postgresSearch(db), roundTrip: () => sql`select 1`.execute(db), baseline: "SELECT 1" },
);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) };
};
const fmt = (n: number) => n.toFixed(1).padStart(7);

async function reindexAll(): Promise<void> {
  for (const engine of engineNames) {
    const bar = progressBar(`reindex ${engine}`);
    const started = performance.now();
    let what: string;
    if (engine === "postgres") {
      const result = await reindex(db, { onProgress: (done, total) => bar.update(done, total) });
      what = `${result.tracks} tracks, ${result.albums} albums, ${result.artists} artists`;
    } else {
      if (!openSearch) throw new Error("OPENSEARCH_URL is not set");
      const result = await reindexOpenSearch(db, openSearch, { prefix: config.OPENSEARCH_INDEX_PREFIX, onProgress: (done, total) => bar.update(done, total) });
      what = `${result.documents} documents`;
    }
    bar.stop();
    console.log(`reindex ${engine}: ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

async function latency({ port, name, roundTrip, baseline }: (typeof engines)[number]): Promise<void> {
  const count = Number((await sql<{ n: string }>`select count(*) as n from search.tracks where visible`.execute(db)).rows[0]?.n ?? 0);
  const sample = await sql<SampleTrack>`
    select id, title, artist_names[1] as artist from search.tracks where visible order by md5(id::text) limit ${Number(values.queries)}`.execute(db);
  const queries = buildQueries(sample.rows);
  console.log(`\n${name}: ${count} visible tracks; ${queries.length} queries from ${sample.rows.length} sampled tracks`);
  // Warm-up: caches of either engine, connections, JIT.
  for (const query of queries.slice(0, 30)) await port.search({ q: query.q, type: "track", limit: 20 });
  const base: number[] = [];
  for (let i = 0; i < 200; i += 1) {
    const started = performance.now();
    await roundTrip();
    base.push(performance.now() - started);
  }
  const b = summary(base);
  console.log(
    `baseline ${baseline.padEnd(8)}${String(b.n).padStart(4)} ${fmt(b.p50)} ${fmt(b.p95)} ${fmt(b.p99)}   (load average ${(await readFile("/proc/loadavg", "utf8").catch(() => "?")).split(" ").slice(0, 3).join(" ")})`,
  );
  console.log("kind            n     p50 ms  p95 ms  p99 ms  found in top 10  p95 / baseline p95");
  for (const kind of queryKinds) {
    const times: number[] = [];
    const timed: Array<{ ms: number; q: string }> = [];
    let found = 0;
    const ofKind = queries.filter((query) => query.kind === kind);
    for (const query of ofKind) {
      const started = performance.now();
      const result = await port.search({ q: query.q, type: "track", limit: 20 });
      times.push(performance.now() - started);
      timed.push({ ms: performance.now() - started, q: query.q });
      if (result.hits.slice(0, 10).some((hit) => hit.id === query.expectedId)) found += 1;
    }
    const s = summary(times);
    const found10 = `${((100 * found) / Math.max(1, s.n)).toFixed(0)}%`.padStart(4);
    console.log(
      `${kind.padEnd(14)} ${String(s.n).padStart(4)} ${fmt(s.p50)} ${fmt(s.p95)} ${fmt(s.p99)}   ${found10}            ${(s.p95 / b.p95).toFixed(1)}×`,
    );
    for (const slow of timed.sort((a, b) => b.ms - a.ms).slice(0, Number(values.slowest))) console.log(`    ${slow.ms.toFixed(1)} ms  ${slow.q}`);
  }
}

async function freshness(): Promise<void> {
  const logger = createLogger({ bench: "search" }, z.enum(["debug", "info", "warn", "error"]).parse(values["log-level"]));
  const slot = `tunec_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  // The indexer ships to OpenSearch only when it is measured.
  const openSearchUrl = engineNames.includes("opensearch") ? config.OPENSEARCH_URL : undefined;
  const context = { config: { ...config, DATABASE_URL: databaseUrl, CDC_SLOT: slot, OPENSEARCH_URL: openSearchUrl }, db, log: logger };
  const cdc = await cdcService.start(context);
  const indexer = await indexerService.start(context);
  const times = new Map<string, number[]>(engines.map((engine) => [engine.name, []]));
  // Also on Ctrl-C or a `timeout`: a replication slot left behind retains WAL without end.
  const cleanup = cleanupOnInterrupt(async () => {
    await indexer.stop();
    await cdc.stop();
    await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${slot}`.execute(db).catch(() => undefined);
  });
  try {
    const picks = await sql<{ id: string }>`select id from search.tracks where visible order by md5(id::text) desc limit ${Number(values.changes)}`.execute(db);
    for (const [index, { id }] of picks.rows.entries()) {
      const word = `svezhak${index}x${Math.floor(Math.random() * 1e6)}`;
      const started = performance.now();
      await sql`update catalog.tracks set title = ${`Свежий трек ${word}`} where id = ${id}`.execute(db);
      // Every engine polled on its own: a slow engine's searches must not delay noticing the other's change.
      await Promise.all(
        engines.map(async (engine) => {
          for (;;) {
            const result = await engine.port.search({ q: word, type: "track", limit: 5 });
            if (result.hits.some((hit) => hit.id === id)) {
              times.get(engine.name)?.push(performance.now() - started);
              return;
            }
            if (performance.now() - started > 30_000) throw new Error(`change of ${id} not searchable on ${engine.name} after 30 s`);
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }),
      );
    }
  } finally {
    await cleanup();
  }
  console.log(`\nload average ${(await readFile("/proc/loadavg", "utf8").catch(() => "?")).split(" ").slice(0, 3).join(" ")}`);
  for (const [name, ms] of times) {
    const s = summary(ms);
    console.log(
      `freshness ${name} (UPDATE → visible in search), ${s.n} changes: p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms`,
    );
  }
}

try {
  if (values.reindex) await reindexAll();
  for (const engine of engines) await latency(engine);
  await freshness();
} finally {
  await db.destroy();
}
