/**
 * `npm run reindex`: rebuilds the search read model from the catalog (the
 * source of truth) in batches, in place, while search keeps answering (see
 * origin/indexer/reindex.ts), then drops cached searches.
 * Options: --batch-size N (default 5000); --engine postgres|opensearch|postgres,opensearch
 * (default postgres). OpenSearch is rebuilt from the PostgreSQL read model
 * into new versioned indices and the aliases swapped (origin/indexer/opensearch-reindex.ts):
 * `--engine postgres,opensearch` rebuilds both, in that order.
 */
import { parseArgs } from "node:util";
import { failOpen } from "../shared/cache/fail-open.ts";
import { createRedisCache } from "../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../shared/cache/search-keys.ts";
import { ConfigError, nodeConfigSchema, openSearchAuth, parseConfig } from "../shared/config.ts";
import { readMigrations } from "../shared/db/migration-files.ts";
import { migrate } from "../shared/db/migrator.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import { reindex } from "../origin/indexer/reindex.ts";
import { reindexOpenSearch } from "../origin/indexer/opensearch-reindex.ts";
import { createOpenSearchClient } from "../workers/search/opensearch/client.ts";
import { resolveDatabase } from "./database-url.ts";
import { progressBar } from "./progress.ts";

try {
  const { values } = parseArgs({ options: { "batch-size": { type: "string", default: "5000" }, engine: { type: "string", default: "postgres" } } });
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer, got ${values["batch-size"]}`);
  const engines = values.engine.split(",").map((engine) => engine.trim());
  if (engines.length === 0 || engines.some((engine) => engine !== "postgres" && engine !== "opensearch"))
    throw new Error(`--engine takes postgres, opensearch or both comma-separated, got ${values.engine}`);
  const config = parseConfig(nodeConfigSchema, process.env);
  if (engines.includes("opensearch") && !config.OPENSEARCH_URL)
    throw new Error("--engine opensearch needs OPENSEARCH_URL (npm run opensearch:start prints it)");
  const database = await resolveDatabase(config);
  const db = createPostgresDatabase(database.url, { maxConnections: 2, applicationName: "tunec-reindex" });
  const bar = progressBar("reindex postgres");
  try {
    await migrate(db, await readMigrations());
    if (engines.includes("postgres")) {
      const started = performance.now();
      const result = await reindex(db, { batchSize, onProgress: (done, total) => bar.update(done, total) });
      bar.stop();
      console.log(
        `PostgreSQL: reindexed ${result.tracks} tracks, ${result.artists} artists, ${result.albums} albums; ${result.removed} documents of deleted tracks removed, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    if (engines.includes("opensearch") && config.OPENSEARCH_URL) {
      const osBar = progressBar("reindex opensearch");
      const started = performance.now();
      const client = createOpenSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: 120_000, auth: openSearchAuth(config) });
      const result = await reindexOpenSearch(db, client, {
        prefix: config.OPENSEARCH_INDEX_PREFIX,
        batchSize,
        onProgress: (done, total) => osBar.update(done, total),
      });
      osBar.stop();
      console.log(
        `OpenSearch: ${result.documents} documents into ${Object.values(result.indices).join(", ")}, aliases swapped, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    if (config.REDIS_URL) {
      const cache = failOpen(createRedisCache({ url: config.REDIS_URL }), createLogger({ script: "reindex" }, config.LOG_LEVEL));
      await cache.increment(searchVersionKey).catch((error: unknown) => console.warn(`could not drop cached searches: ${String(error)}`));
      await cache.close();
    }
  } finally {
    bar.stop();
    await db.destroy();
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
