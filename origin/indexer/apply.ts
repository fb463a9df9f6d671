/**
 * What one catalog event does to the read model. Each function runs inside
 * the consumer's transaction (with the inbox row) and tells whether the index
 * changed, so the service knows when cached searches must be dropped.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { EventData } from "../../shared/events/catalog.ts";
import { addTerms, refreshArtistsAndAlbums, rowFromImage, tombstoneTrack, upsertTrackDocuments } from "./documents.ts";

type Placement = { artist_ids: string[]; album_id: string | null };

async function placementOf(db: Kysely<Database>, trackId: string): Promise<Placement | undefined> {
  return db.selectFrom("search.tracks").select(["artist_ids", "album_id"]).where("id", "=", trackId).executeTakeFirst();
}

/** Artists and albums a track belonged to before or after a change: their documents' counts move. */
async function refreshPlacements(db: Kysely<Database>, placements: Array<Placement | undefined>): Promise<void> {
  const present = placements.filter((placement): placement is Placement => placement !== undefined);
  const artistIds = [...new Set(present.flatMap((placement) => placement.artist_ids))];
  const albumIds = [...new Set(present.map((placement) => placement.album_id).filter((id): id is string => id !== null))];
  await refreshArtistsAndAlbums(db, artistIds, albumIds);
}

/**
 * TrackUpdated (insert or update, by a service or by hand in SQL): the
 * document is rebuilt from the `after` image unless it already reflects a
 * newer row, or the track was deleted (an update cannot resurrect it; only a
 * new insert of the id can).
 */
export async function applyTrackUpdated(db: Kysely<Database>, data: EventData<"tunec.catalog.track-updated.v1">): Promise<boolean> {
  const before = await placementOf(db, data.after.id);
  const changed = await upsertTrackDocuments(db, rowFromImage(data.after), { revive: data.op === "c" });
  if (changed.length === 0) return false;
  await addTerms(db, changed);
  await refreshPlacements(db, [before, await placementOf(db, data.after.id)]);
  return true;
}

/** TrackDeleted: the document becomes a tombstone. */
export async function applyTrackDeleted(db: Kysely<Database>, data: EventData<"tunec.catalog.track-deleted.v1">): Promise<boolean> {
  const before = await placementOf(db, data.before.id);
  await tombstoneTrack(db, data.before);
  await refreshPlacements(db, [before]);
  return true;
}
