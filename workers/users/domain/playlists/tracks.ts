/** Changes to a playlist's entries; each runs inside `mutatePlaylist` with the playlist row locked. */
import { sql, type Transaction } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import { AppError } from "../../../../shared/errors.ts";
import { writeOutbox } from "../../../../shared/events/outbox.ts";
import { usersSource } from "../../schemas.ts";
import type { LockedPlaylist } from "./mutations.ts";
import { keysBetween } from "./ordering.ts";
import { utcMicros } from "../sql.ts";

export const maxPlaylistTracks = 10_000;
/** Keys longer than this trigger a renumbering (migration 0053 explains why). */
export const renumberAbove = 200;

export interface AddedEntry {
  entry_id: string;
  track_id: string;
  added_by: string;
  added_at: string;
}

function noEntry(entryId: string): AppError {
  return new AppError("NOT_FOUND", `No entry ${entryId} in this playlist.`);
}

async function positionOf(trx: Transaction<Database>, playlistId: string, entryId: string): Promise<string> {
  const row = await trx
    .selectFrom("users.playlist_tracks")
    .select("position")
    .where("playlist_id", "=", playlistId)
    .where("entry_id", "=", entryId)
    .executeTakeFirst();
  if (!row) throw noEntry(entryId);
  return row.position;
}

/**
 * The neighbours a new position goes between: just before `beforeEntryId`, or
 * after the last entry when it is null. `excluding` is the entry being moved.
 */
async function bounds(
  trx: Transaction<Database>,
  playlistId: string,
  beforeEntryId: string | null,
  excluding?: string,
): Promise<[string | null, string | null]> {
  const upper = beforeEntryId === null ? null : await positionOf(trx, playlistId, beforeEntryId);
  let query = trx.selectFrom("users.playlist_tracks").select("position").where("playlist_id", "=", playlistId);
  if (upper !== null) query = query.where("position", "<", upper);
  if (excluding !== undefined) query = query.where("entry_id", "<>", excluding);
  const lower = await query.orderBy("position", "desc").limit(1).executeTakeFirst();
  return [lower?.position ?? null, upper];
}

/** Published catalog tracks only: a synchronous read of the catalog while the user waits. */
async function requirePublished(trx: Transaction<Database>, trackIds: readonly string[]): Promise<void> {
  const found = await trx
    .selectFrom("catalog.tracks")
    .select("id")
    .where("id", "in", [...new Set(trackIds)])
    .where("status", "=", "published")
    .execute();
  const known = new Set(found.map((row) => row.id));
  const errors = trackIds.flatMap((id, index) => (known.has(id) ? [] : [{ field: `body.track_ids.${index}`, message: "no published track with this id" }]));
  if (errors.length > 0) throw new AppError("VALIDATION_FAILED", "Some tracks are not in the catalog.", { errors });
}

/**
 * Rewrites every entry's key, short and in the current order. Only needed
 * after hundreds of inserts into one gap; the unique constraint is deferred so
 * the one statement may pass through duplicates.
 */
export async function renumber(trx: Transaction<Database>, playlistId: string): Promise<number> {
  await sql`set constraints users.playlist_tracks_playlist_id_position_key deferred`.execute(trx);
  const entries = await trx.selectFrom("users.playlist_tracks").select("entry_id").where("playlist_id", "=", playlistId).orderBy("position").execute();
  const keys = keysBetween(null, null, entries.length);
  await sql`
    update users.playlist_tracks t set position = v.position, updated_at = now()
    from (select unnest(${entries.map((entry) => entry.entry_id)}::uuid[]) as entry_id, unnest(${keys}::text[]) as position) v
    where t.entry_id = v.entry_id and t.playlist_id = ${playlistId}`.execute(trx);
  await sql`set constraints users.playlist_tracks_playlist_id_position_key immediate`.execute(trx);
  return entries.length;
}

/** Keys for `count` entries going before `beforeEntryId` (null = the end), renumbering first if they would be too long. */
async function keysFor(trx: Transaction<Database>, playlistId: string, beforeEntryId: string | null, count: number, excluding?: string): Promise<string[]> {
  const [lower, upper] = await bounds(trx, playlistId, beforeEntryId, excluding);
  const keys = keysBetween(lower, upper, count);
  if (keys.every((key) => key.length <= renumberAbove)) return keys;
  await renumber(trx, playlistId);
  const [newLower, newUpper] = await bounds(trx, playlistId, beforeEntryId, excluding);
  return keysBetween(newLower, newUpper, count);
}

export async function addTracks(
  trx: Transaction<Database>,
  locked: LockedPlaylist,
  input: { trackIds: readonly string[]; beforeEntryId: string | null; userId: string; traceparent?: string | undefined },
): Promise<AddedEntry[]> {
  const total = locked.track_count + input.trackIds.length;
  if (total > maxPlaylistTracks) {
    throw new AppError(
      "PLAYLIST_FULL",
      `A playlist holds at most ${maxPlaylistTracks.toLocaleString("en")} tracks; it has ${locked.track_count} and adding ${input.trackIds.length} would make ${total}.`,
    );
  }
  await requirePublished(trx, input.trackIds);
  const keys = await keysFor(trx, locked.id, input.beforeEntryId, input.trackIds.length);
  const rows = await trx
    .insertInto("users.playlist_tracks")
    .values(input.trackIds.map((trackId, index) => ({ playlist_id: locked.id, track_id: trackId, position: keys[index] ?? "", added_by: input.userId })))
    .returning(["entry_id", "track_id", "added_by", utcMicros(sql`added_at`).as("added_at"), "position"])
    .execute();
  await trx
    .updateTable("users.playlists")
    .set((eb) => ({ track_count: eb("track_count", "+", input.trackIds.length) }))
    .where("id", "=", locked.id)
    .execute();
  const sorted = rows.sort((a, b) => (a.position < b.position ? -1 : 1));
  // Recommendations learn from playlist adds; committed with the entries, so no add is lost or invented.
  await writeOutbox(trx, {
    type: "tunec.users.playlist-track-added.v1",
    source: usersSource,
    ...(input.traceparent ? { traceparent: input.traceparent } : {}),
    data: {
      userId: input.userId,
      playlistId: locked.id,
      entryIds: sorted.map((row) => row.entry_id),
      trackIds: sorted.map((row) => row.track_id),
      addedAt: new Date().toISOString(),
    },
  });
  return sorted.map(({ entry_id, track_id, added_by, added_at }) => ({ entry_id, track_id, added_by, added_at }));
}

export async function removeEntry(trx: Transaction<Database>, locked: LockedPlaylist, entryId: string): Promise<void> {
  const removed = await trx.deleteFrom("users.playlist_tracks").where("playlist_id", "=", locked.id).where("entry_id", "=", entryId).executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw noEntry(entryId);
  await trx
    .updateTable("users.playlists")
    .set((eb) => ({ track_count: eb("track_count", "-", 1) }))
    .where("id", "=", locked.id)
    .execute();
}

/** Moves one entry before another (or to the end): one row gets a new position, no other row changes. */
export async function moveEntry(trx: Transaction<Database>, locked: LockedPlaylist, entryId: string, beforeEntryId: string | null): Promise<void> {
  const current = await positionOf(trx, locked.id, entryId);
  if (beforeEntryId === entryId) return;
  const [lower, upper] = await bounds(trx, locked.id, beforeEntryId, entryId);
  // Already there: keep the key rather than lengthen it.
  if ((lower === null || lower < current) && (upper === null || current < upper)) return;
  const [position] = await keysFor(trx, locked.id, beforeEntryId, 1, entryId);
  if (position === undefined) throw new Error("no key made for a move");
  await trx
    .updateTable("users.playlist_tracks")
    .set({ position, updated_at: new Date() })
    .where("playlist_id", "=", locked.id)
    .where("entry_id", "=", entryId)
    .execute();
}
