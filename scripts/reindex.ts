/**
 * `npm run reindex`: rebuilds the search read model from the catalog (the
 * source of truth) in batches, in place, while search keeps answering (see
 * origin/indexer/reindex.ts), then drops cached searches.
 * Options: --batch-size N (default 5000).
 */
import { parseArgs } from "node:util";
import { failOpen } from "../shared/cache/fail-open.ts";
import { createRedisCache } from "../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../shared/cache/search-keys.ts";
import { ConfigError, nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { readMigrations } from "../shared/db/migration-files.ts";
import { migrate } from "../shared/db/migrator.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import { reindex } from "../origin/indexer/reindex.ts";
import { resolveDatabase } from "./database-url.ts";
import { progressBar } from "./progress.ts";

try {
  const { values } = parseArgs({ options: { "batch-size": { type: "string", default: "5000" } } });
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`--batch-size must be a positive integer, got ${values["batch-size"]}`);
  const config = parseConfig(nodeConfigSchema, process.env);
  const database = await resolveDatabase(config);
  const db = createPostgresDatabase(database.url, { maxConnections: 2, applicationName: "tunec-reindex" });
  const bar = progressBar("reindex");
  try {
    await migrate(db, await readMigrations());
    const started = performance.now();
    const result = await reindex(db, { batchSize, onProgress: (done, total) => bar.update(done, total) });
    bar.stop();
    if (config.REDIS_URL) {
      const cache = failOpen(createRedisCache({ url: config.REDIS_URL }), createLogger({ script: "reindex" }, config.LOG_LEVEL));
      await cache.increment(searchVersionKey).catch((error: unknown) => console.warn(`could not drop cached searches: ${String(error)}`));
      await cache.close();
    }
    console.log(
      `Reindexed ${result.tracks} tracks, ${result.artists} artists, ${result.albums} albums; ${result.removed} documents of deleted tracks removed, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    bar.stop();
    await db.destroy();
    await database.stop();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
