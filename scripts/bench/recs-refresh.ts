/**
 * The incremental neighbour refresh against a full training, on one synthetic
 * log in a fresh database (DATABASE_URL server): trainAndStore (the baseline),
 * then new plays touching `--touched` tracks, then refreshNeighbours. Prints
 * both times and their ratio.
 *
 *   npx tsx scripts/bench/recs-refresh.ts [--listeners 2000] [--tracks 5000] [--plays 200000] [--touched 200]
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { z } from "zod";
import { recordSignals } from "../../origin/recs/consumer/signals.ts";
import { generateWorld, logOfPlays } from "../../origin/recs/model/synthetic.ts";
import { refreshNeighbours } from "../../origin/recs/train/refresh.ts";
import { insertSyntheticCatalog, insertSyntheticInteractions, trackUuid } from "../../origin/recs/train/synthetic-database.ts";
import { trainAndStore } from "../../origin/recs/train/train-and-store.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";

const { values } = parseArgs({
  options: {
    listeners: { type: "string", default: "2000" },
    tracks: { type: "string", default: "5000" },
    plays: { type: "string", default: "200000" },
    touched: { type: "string", default: "200" },
  },
});
const args = z
  .object({
    listeners: z.coerce.number().int().min(10),
    tracks: z.coerce.number().int().min(10),
    plays: z.coerce.number().int().min(100),
    touched: z.coerce.number().int().min(2),
  })
  .parse(values);
if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is required (a fresh database is created and dropped on that server)");

const world = generateWorld({
  listeners: args.listeners,
  tracks: args.tracks,
  plays: args.plays,
  genres: 24,
  seed: 42,
  start: Date.UTC(2026, 5, 1),
  days: 180,
});
const database = await createTestDatabase("postgres");
try {
  const { db } = database;
  await insertSyntheticCatalog(db, world);
  const log = logOfPlays(world, () => true);
  await insertSyntheticInteractions(db, log);
  await sql`update catalog.tracks set published_at = now() - interval '1 day'`.execute(db);
  await sql`update recs.interactions set recorded_at = now() - interval '1 day'`.execute(db);
  console.log(
    `log: ${args.listeners} listeners × ${args.tracks} tracks × ${world.plays.length} plays = ${log.length} rows; load ${(await readFile("/proc/loadavg", "utf8")).trim()}`,
  );
  let started = performance.now();
  await trainAndStore(db);
  const train = (performance.now() - started) / 1000;
  // New listeners, each completing two of the touched tracks.
  await db.transaction().execute(async (trx) => {
    for (let n = 0; n < args.touched; n += 2) {
      const accountId = `00000009-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
      await recordSignals(
        trx,
        [n, n + 1].map((k) => ({
          eventId: `0000000a-0000-4000-8000-${k.toString(16).padStart(12, "0")}`,
          accountId,
          trackId: trackUuid((k * 7919) % args.tracks),
          signal: "complete" as const,
          occurredAt: new Date(Date.UTC(2026, 11, 1)).toISOString(),
        })),
      );
    }
  });
  started = performance.now();
  const refreshed = await refreshNeighbours(db);
  const refresh = (performance.now() - started) / 1000;
  console.log(`trainAndStore (baseline): ${train.toFixed(1)} s`);
  console.log(
    `refreshNeighbours, ${refreshed.refreshedTracks} tracks, ${refreshed.rowsWritten} rows: ${refresh.toFixed(1)} s (${((refresh / train) * 100).toFixed(0)} % of the training)`,
  );
  console.log(`load ${(await readFile("/proc/loadavg", "utf8")).trim()}`);
} finally {
  await database.drop();
}
