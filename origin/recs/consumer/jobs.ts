/**
 * The recs origin's periodic job: refreshes the model tables the edge reads.
 *
 * INTEGRATOR (issue 12 merge): `refreshModels` is the single call site of the
 * trainer. Replace its body with `await trainAndStore(db)` from
 * origin/recs/train/. Until then it keeps recs.popular_tracks fresh from
 * catalog.track_stats, so a demo listener already gets a popularity wave;
 * it never touches the neighbour tables (the trainer owns them).
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import { startPeriodic } from "../../periodic.ts";

const refreshIntervalMs = 10 * 60_000;
/** Tracks kept per popularity segment. */
const segmentDepth = 200;

export async function refreshModels(db: Kysely<Database>): Promise<void> {
  await refreshPopularity(db);
}

/** Stand-in for the trainer's popularity: decayed plays per segment ('all', 'genre:x', 'language:x'). */
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
  return startPeriodic(refreshIntervalMs, log, "recs model refresh failed; retrying next interval", async () => {
    await refreshModels(db);
    log.info("recs models refreshed");
  });
}
