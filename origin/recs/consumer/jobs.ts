/**
 * The recs origin's periodic job: retrains the models the edge reads
 * (`trainAndStore`: recs.track_neighbors, recs.artist_neighbors,
 * recs.popular_tracks) once a day, and whenever the model tables are empty
 * (checked every 30 s), so a fresh `npm start` serves a wave as soon as the
 * demo is seeded.
 * Between trainings the popularity segments are refreshed from
 * catalog.track_stats every 10 minutes, so new plays move the popular waves,
 * and every 5 minutes the neighbour lists of the tracks with new signals (and
 * of newly published tracks) are recomputed (train/refresh.ts), so new plays
 * linking two tracks make them neighbours long before the next training.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import { startPeriodic } from "../../periodic.ts";
import { refreshNeighbours } from "../train/refresh.ts";
import { trainAndStore } from "../train/train-and-store.ts";

const refreshIntervalMs = 10 * 60_000;
const neighbourRefreshIntervalMs = 5 * 60_000;
const emptyCheckIntervalMs = 30_000;
const trainIntervalMs = 24 * 3600_000;
/** Tracks kept per popularity segment. */
const segmentDepth = 200;

/** The single call site of the trainer. */
export async function refreshModels(db: Kysely<Database>, log: Logger): Promise<void> {
  const result = await trainAndStore(db);
  log.info("recs models trained", { interactions: result.interactions, listeners: result.listeners, tracks: result.tracks, seconds: result.seconds });
}

async function modelsEmpty(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom("recs.popular_tracks").select("rank").limit(1).executeTakeFirst()) === undefined;
}

export async function refreshPopularity(db: Kysely<Database>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("recs.popular_tracks").execute();
    await sql`
      insert into recs.popular_tracks (segment, rank, track_id, score)
      select segment, (row_number() over (partition by segment order by score desc, track_id) - 1)::int, track_id, score
      from (
        select s.segment, t.id as track_id, (coalesce(ts.popularity, 0) + 0.001)::real as score,
               row_number() over (partition by s.segment order by coalesce(ts.popularity, 0) desc, t.id) as n
        from catalog.tracks t
        left join catalog.track_stats ts on ts.track_id = t.id
        cross join lateral (
          select 'all' as segment
          union all select 'genre:' || g from unnest(t.genres) g
          union all select 'language:' || t.language where t.language is not null
        ) s
        where t.status = 'published'
      ) ranked
      where n <= ${segmentDepth}`.execute(trx);
  });
}

export function startRecsJobs(db: Kysely<Database>, log: Logger): { stop(): Promise<void> } {
  // Checked every 30 s: a fresh database (npm start's demo publishes its tracks a little after
  // the services start) is trained as soon as it has something to learn from, not 10 minutes later.
  let lastTrained = Date.now();
  let lastRefreshed = Date.now();
  let lastNeighbours = Date.now();
  return startPeriodic(emptyCheckIntervalMs, log, "recs model refresh failed; retrying next interval", async () => {
    if (Date.now() - lastTrained >= trainIntervalMs || (await modelsEmpty(db))) {
      await refreshModels(db, log);
      lastTrained = lastRefreshed = lastNeighbours = Date.now();
      return;
    }
    if (Date.now() - lastNeighbours >= neighbourRefreshIntervalMs) {
      const refreshed = await refreshNeighbours(db);
      lastNeighbours = Date.now();
      if (refreshed.refreshedTracks > 0) log.info("recs neighbours refreshed", { ...refreshed, since: refreshed.since?.toISOString() });
    }
    if (Date.now() - lastRefreshed < refreshIntervalMs) return;
    await refreshPopularity(db);
    lastRefreshed = Date.now();
  });
}
