/**
 * `npm run recs:train`: one training run of the recommendation models on
 * DATABASE_URL — reads recs.interactions and the catalogue, replaces
 * recs.track_neighbors, recs.artist_neighbors and recs.popular_tracks in one
 * transaction and records a recs.model_runs row (origin/recs/train).
 *
 *   npm run recs:train -- [--model rp3beta|cosine] [--k 50] [--half-life-days 90]
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { nodeConfigSchema, parseConfig } from "../shared/config.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import { DEFAULT_TRAIN } from "../origin/recs/model/train.ts";
import { trainAndStore } from "../origin/recs/train/train-and-store.ts";
import { resolveDatabase } from "./database-url.ts";
import { progressBar } from "./progress.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: DEFAULT_TRAIN.knn.model },
    k: { type: "string", default: String(DEFAULT_TRAIN.knn.k) },
    "half-life-days": { type: "string", default: String(DEFAULT_TRAIN.aggregate.halfLifeDays) },
  },
});
const args = z
  .object({
    model: z.enum(["rp3beta", "cosine"]),
    k: z.coerce.number().int().min(1).max(500),
    "half-life-days": z.coerce.number().positive().max(3650),
  })
  .parse(values);

const config = parseConfig(nodeConfigSchema, process.env);
const logger = createLogger({ service: "recs-train" });
const database = await openDatabase();
const db = createPostgresDatabase(database.url, { maxConnections: 2, applicationName: "tunec-recs-train" });
const bars = new Map<string, ReturnType<typeof progressBar>>();
try {
  const result = await trainAndStore(db, {
    train: { knn: { ...DEFAULT_TRAIN.knn, model: args.model, k: args.k }, aggregate: { ...DEFAULT_TRAIN.aggregate, halfLifeDays: args["half-life-days"] } },
    logger,
    onProgress(stage, done, total) {
      let bar = bars.get(stage);
      if (!bar) {
        for (const other of bars.values()) other.stop();
        bar = progressBar(stage.padEnd(8));
        bars.set(stage, bar);
      }
      bar.update(done, total);
    },
  });
  for (const bar of bars.values()) bar.stop();
  process.stdout.write(
    `run ${result.runId}: ${result.interactions} interactions from ${result.listeners} listeners, ${result.eligibleTracks}/${result.tracks} recommendable tracks; ` +
      `${result.trackNeighbors} track and ${result.artistNeighbors} artist neighbours, ${result.popularTracks} popular rows; ` +
      `load ${result.seconds.load.toFixed(1)} s, train ${result.seconds.train.toFixed(1)} s, store ${result.seconds.store.toFixed(1)} s\n`,
  );
} finally {
  for (const bar of bars.values()) bar.stop();
  await db.destroy();
  await database.stop();
}

/** DATABASE_URL, else the running `npm start`'s embedded database, else the embedded one opened here (as admin:create does). */
async function openDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => undefined };
  const runningUrl = `postgres://postgres@127.0.0.1:${config.EMBEDDED_DB_PORT}/postgres`;
  const probe = createPostgresDatabase(runningUrl, { maxConnections: 1 });
  try {
    await probe.selectFrom("recs.model_runs").select("id").limit(1).execute();
    return { url: runningUrl, stop: async () => undefined };
  } catch {
    return resolveDatabase(config);
  } finally {
    await probe.destroy();
  }
}
