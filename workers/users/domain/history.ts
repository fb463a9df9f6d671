/** Listening history: written by the origin's PlaybackStarted consumer, read at the edge. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { utcMicros } from "./sql.ts";

export interface PlayInput {
  playId: string;
  userId: string;
  trackId: string;
  quality: string;
  deviceId: string;
  startPositionMs: number;
  startedAt: string;
}

/** One row per play id: a repeated play is a no-op even past the inbox. Returns whether a row was added. */
export async function recordPlay(db: Kysely<Database>, play: PlayInput): Promise<boolean> {
  return (await recordPlays(db, [play])) > 0;
}

/**
 * Many plays in one statement (the consumer's fetched batch); a play id already
 * there, or twice in `plays`, is added once. Returns how many rows were added.
 */
export async function recordPlays(db: Kysely<Database>, plays: readonly PlayInput[]): Promise<number> {
  if (plays.length === 0) return 0;
  const result = await db
    .insertInto("users.listening_history")
    .values(
      plays.map((play) => ({
        play_id: play.playId,
        user_id: play.userId,
        track_id: play.trackId,
        quality: play.quality,
        device_id: play.deviceId,
        start_position_ms: play.startPositionMs,
        started_at: play.startedAt,
      })),
    )
    .onConflict((oc) => oc.column("play_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

export interface HistoryRecord {
  play_id: string;
  track_id: string;
  quality: string;
  /** RFC 3339 with microseconds: also the keyset position. */
  started_at: string;
}

/** Newest first; `after` is the previous page's last play. */
export async function listHistory(db: Kysely<Database>, userId: string, limit: number, after?: { at: string; id: string }): Promise<HistoryRecord[]> {
  let query = db
    .selectFrom("users.listening_history")
    .select(["play_id", "track_id", "quality", utcMicros(sql`started_at`).as("started_at")])
    .where("user_id", "=", userId);
  if (after) query = query.where(sql<boolean>`(started_at, play_id) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return query.orderBy("started_at", "desc").orderBy("play_id", "desc").limit(limit).execute();
}
