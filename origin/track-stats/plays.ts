/**
 * Plays → catalog.track_stats: a play counts, and adds to the track's
 * popularity, only once it was really listened to: a PlaybackFinished at 30 s
 * or more (the whole track when shorter), with as much time between start and
 * finish, and at most `maxCountedPlaysPerDay` per listener, track and UTC day.
 * A fresh `play_id` per GET /stream (PlaybackStarted) counts nothing, so
 * restarting a track in a loop cannot inflate its popularity. Popularity is
 * an exponentially decayed play count (half-life an exponentially decayed play count (half-life
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

/** Listening needed before a play counts (or the whole track, when shorter). */
export const minListenedMs = 30_000;
/** Plays of one track by one listener that count in one UTC day. */
export const maxCountedPlaysPerDay = 3;
/** Clock skew tolerated between a play's start and finish. */
const slackMs = 2_000;

export async function applyPlaybackFinished(
  event: TunecEvent<"tunec.playback.playback-finished.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const { trackId, userId, positionMs, trackDurationMs, startedAt, finishedAt } = event.data;
  const needed = Math.min(minListenedMs, trackDurationMs);
  const elapsedMs = Date.parse(finishedAt) - Date.parse(startedAt);
  const day = startedAt.slice(0, 10);
  const completed = event.data.completed && elapsedMs >= needed - slackMs ? 1 : 0;
  if (positionMs < needed || elapsedMs < needed - slackMs) {
    await addDailyStats(trx, trackId, day, { finishes: 1, completed });
    context.logger.debug("play too short to count", { track_id: trackId, position_ms: positionMs, elapsed_ms: elapsedMs });
    return;
  }
  const counted = await trx
    .insertInto("catalog.track_daily_plays")
    .values({ track_id: trackId, user_id: userId, day, plays: 1 })
    .onConflict((oc) => oc.columns(["track_id", "user_id", "day"]).doUpdateSet({ plays: sql<number>`catalog.track_daily_plays.plays + 1` }))
    .returning("plays")
    .executeTakeFirstOrThrow();
  if (counted.plays > maxCountedPlaysPerDay) {
    await addDailyStats(trx, trackId, day, { finishes: 1, completed });
    context.logger.debug("daily play cap reached; not counted", { track_id: trackId, plays_today: counted.plays });
    return;
  }
  await addDailyStats(trx, trackId, day, { finishes: 1, completed, plays: 1, listeners: counted.plays === 1 ? 1 : 0 });
  await countPlay(trx, trackId, startedAt, context);
}

/**
 * PlaybackStarted: a start on the track's day (plays that never finish still
 * show as starts). A batch handler: starts are the highest-volume event, so a
 * fetched run is one upsert, its starts summed per track and day first (one
 * statement may not update a row twice), in key order so two partitions'
 * runs lock shared rows in the same order.
 */
export async function applyPlaybackStarted(
  events: Array<TunecEvent<"tunec.playback.playback-started.v1">>,
  trx: Transaction<Database>,
  _context: { logger: Logger },
): Promise<void> {
  const starts = new Map<string, { track_id: string; day: string; starts: number }>();
  for (const { data } of events) {
    const day = data.startedAt.slice(0, 10);
    const key = `${data.trackId} ${day}`;
    const row = starts.get(key);
    if (row) row.starts++;
    else starts.set(key, { track_id: data.trackId, day, starts: 1 });
  }
  if (starts.size === 0) return;
  const rows = [...starts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => ({ ...row, plays: 0, listeners: 0, finishes: 0, completed: 0 }));
  await trx
    .insertInto("catalog.track_daily_stats")
    .values(rows)
    .onConflict((oc) => oc.columns(["track_id", "day"]).doUpdateSet({ starts: sql<number>`catalog.track_daily_stats.starts + excluded.starts` }))
    .execute();
}

type DailyCounts = Partial<Record<"starts" | "plays" | "listeners" | "finishes" | "completed", number>>;

/** Adds to a track's day in catalog.track_daily_stats (the artist's plots). */
async function addDailyStats(trx: Transaction<Database>, trackId: string, day: string, add: DailyCounts): Promise<void> {
  const values = { starts: add.starts ?? 0, plays: add.plays ?? 0, listeners: add.listeners ?? 0, finishes: add.finishes ?? 0, completed: add.completed ?? 0 };
  await trx
    .insertInto("catalog.track_daily_stats")
    .values({ track_id: trackId, day, ...values })
    .onConflict((oc) =>
      oc.columns(["track_id", "day"]).doUpdateSet({
        starts: sql<number>`catalog.track_daily_stats.starts + ${values.starts}`,
        plays: sql<number>`catalog.track_daily_stats.plays + ${values.plays}`,
        listeners: sql<number>`catalog.track_daily_stats.listeners + ${values.listeners}`,
        finishes: sql<number>`catalog.track_daily_stats.finishes + ${values.finishes}`,
        completed: sql<number>`catalog.track_daily_stats.completed + ${values.completed}`,
      }),
    )
    .execute();
}

/** One play of a track at `startedAt` into plays and the decayed popularity. */
export async function countPlay(trx: Transaction<Database>, trackId: string, startedAt: string, context: { logger: Logger }): Promise<void> {
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
