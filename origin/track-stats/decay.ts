/**
 * The decay sweep: a popularity is stored "as of" its row's `updated_at`, so a
 * track nobody plays any more would keep last year's score against this
 * week's hits. Every so often the sweep brings stale rows to the present
 * (same formula as a play, without the +1), in batches that skip rows a
 * consumer holds, so any number of instances can run it. Scores that have
 * faded below `floor` become 0 and are not touched again.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import { popularityHalfLifeSeconds } from "./plays.ts";

export interface DecayOptions {
  /** Rows older than this are brought up to date. */
  staleAfterSeconds: number;
  batchSize: number;
  floor: number;
}

export const defaultDecay: DecayOptions = { staleAfterSeconds: 3600, batchSize: 5000, floor: 1e-3 };

/** One sweep over every stale row; returns how many were updated. */
export async function decayStaleStats(db: Kysely<Database>, options: DecayOptions = defaultDecay): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await sql`
      with stale as (
        select track_id,
          popularity * power(0.5::float8, least(extract(epoch from (now() - updated_at))::float8 / ${popularityHalfLifeSeconds}, 1000)) as decayed
        from catalog.track_stats
        where updated_at < now() - make_interval(secs => ${options.staleAfterSeconds}) and popularity > 0
        limit ${options.batchSize}
        for update skip locked
      )
      update catalog.track_stats s set
        popularity = case when stale.decayed < ${options.floor} then 0 else stale.decayed end,
        updated_at = now()
      from stale
      where s.track_id = stale.track_id`.execute(db);
    const updated = Number(result.numAffectedRows ?? 0n);
    total += updated;
    if (updated < options.batchSize) return total;
  }
}

/** The daily play caps of days long past (a week back: late events still find their day's count). */
export async function dropOldDailyPlays(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom("catalog.track_daily_plays").where("day", "<", sql<string>`current_date - 7`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Runs the sweep now and then every `intervalMs` until stopped; a failed sweep is logged and retried next time. */
export function startDecaySweep(db: Kysely<Database>, logger: Logger, intervalMs: number, options: DecayOptions = defaultDecay): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = () => {
    running = decayStaleStats(db, options)
      .then(async (updated) => {
        await dropOldDailyPlays(db);
        return updated;
      })
      .then(
        (updated) => {
          if (updated > 0) logger.info("track popularity decayed", { rows: updated });
        },
        (error: unknown) => {
          if (!stopped) logger.warn("track popularity decay failed; retrying next interval", { error });
        },
      );
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  sweep();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
