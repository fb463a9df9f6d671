/** The listener's saved play queue (subsonic.play_queues): one row per listener, replaced whole on every save. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export const maxQueuedTracks = 1_000;
/** A day: no track is longer, and it bounds what a client may store. */
export const maxPositionMs = 86_400_000;

export interface PlayQueue {
  track_ids: string[];
  current: string | null;
  position_ms: number;
  changed_by: string;
  /** RFC 3339, UTC, milliseconds. */
  changed_at: string;
}

export interface PlayQueueInput {
  trackIds: readonly string[];
  current: string | null;
  positionMs: number;
  changedBy: string;
}

export async function findPlayQueue(db: Kysely<Database>, userId: string): Promise<PlayQueue | undefined> {
  return db
    .selectFrom("subsonic.play_queues")
    .select([
      "track_ids",
      "current_id as current",
      sql<number>`position_ms::float8`.as("position_ms"),
      "changed_by",
      sql<string>`to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`.as("changed_at"),
    ])
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Saves the queue; an empty one clears it (as OpenSubsonic's savePlayQueue without ids). */
export async function savePlayQueue(db: Kysely<Database>, userId: string, queue: PlayQueueInput): Promise<void> {
  if (queue.trackIds.length === 0) {
    await db.deleteFrom("subsonic.play_queues").where("user_id", "=", userId).execute();
    return;
  }
  const row = { track_ids: [...queue.trackIds], current_id: queue.current, position_ms: queue.positionMs, changed_by: queue.changedBy, updated_at: new Date() };
  await db
    .insertInto("subsonic.play_queues")
    .values({ user_id: userId, ...row })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(row))
    .execute();
}
