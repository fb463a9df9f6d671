/**
 * Plays → catalog.track_stats: every PlaybackStarted counts one play and adds
 * to the track's popularity, an exponentially decayed play count (half-life
 * below), so last week's hits outrank last year's. The consumer framework runs
 * this inside the transaction that records the event in the inbox, so a
 * redelivered event changes nothing.
 *
 * The score is kept "as of" `updated_at`: a play at t after it decays the old
 * score to t and adds 1; a late play (t before it, e.g. a retried or
 * reordered event) adds its own decayed weight. Both orders give the same sum,
 * so the result does not depend on delivery order.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import type { Logger } from "../../shared/logger.ts";

export const trackStatsGroup = "track-stats";
export const trackStatsTopics = ["tunec.playback"];

/** A play a week ago weighs half a play now. */
export const popularityHalfLifeSeconds = 7 * 24 * 3600;

// 0.5^1000 ≈ 1e-301: beyond that a weight is 0 for all purposes, and float8 underflow is an error.
const maxHalvings = 1000;

export async function applyPlaybackStarted(
  event: TunecEvent<"tunec.playback.playback-started.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const { trackId, startedAt } = event.data;
  const halfLife = popularityHalfLifeSeconds;
  // A client clock ahead of ours must not date the score into the future.
  const playedAt = sql<Date>`least(${startedAt}::timestamptz, now())`;
  const decay = (from: string, to: string) =>
    sql<number>`power(0.5::float8, least(extract(epoch from (${sql.raw(to)} - ${sql.raw(from)}))::float8 / ${halfLife}, ${maxHalvings}))`;
  // insert … select: a play of a track the catalog no longer has counts nowhere (no FK failure, no retries).
  const row = await sql<{ plays: string }>`
    insert into catalog.track_stats as s (track_id, plays, popularity, updated_at)
    select t.id, 1, 1, ${playedAt} from catalog.tracks t where t.id = ${trackId}
    on conflict (track_id) do update set
      plays = s.plays + 1,
      popularity = case
        when excluded.updated_at >= s.updated_at then s.popularity * ${decay("s.updated_at", "excluded.updated_at")} + 1
        else s.popularity + ${decay("excluded.updated_at", "s.updated_at")}
      end,
      updated_at = greatest(s.updated_at, excluded.updated_at)
    returning s.plays`.execute(trx);
  const plays = row.rows[0]?.plays;
  if (plays === undefined) context.logger.warn("play of a track not in the catalog; not counted", { track_id: trackId });
  else context.logger.debug("play counted", { track_id: trackId, plays: Number(plays) });
}
