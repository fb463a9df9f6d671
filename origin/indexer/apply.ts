/**
 * What one catalog event does to the read model. Each function runs inside
 * the consumer's transaction (with the inbox row) and tells which documents
 * changed (null: none), so the service drops exactly the cached searches they
 * touch once the transaction has committed.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { EventData } from "../../shared/events/catalog.ts";
import { addTerms, refreshArtistsAndAlbums, rowFromImage, tombstoneTrack, upsertTrackDocuments } from "./documents.ts";

type Placement = { artist_ids: string[]; album_id: string | null };

/** The documents one event changed, by kind. */
export interface IndexChange {
  tracks: string[];
  albums: string[];
  artists: string[];
}

async function placementOf(db: Kysely<Database>, trackId: string): Promise<Placement | undefined> {
  return db.selectFrom("search.tracks").select(["artist_ids", "album_id"]).where("id", "=", trackId).executeTakeFirst();
}

/** Artists and albums a track belonged to before or after a change: their documents' counts move. */
async function refreshPlacements(db: Kysely<Database>, tracks: string[], placements: Array<Placement | undefined>): Promise<IndexChange> {
  const present = placements.filter((placement): placement is Placement => placement !== undefined);
  const artistIds = [...new Set(present.flatMap((placement) => placement.artist_ids))];
  const albumIds = [...new Set(present.map((placement) => placement.album_id).filter((id): id is string => id !== null))];
  await refreshArtistsAndAlbums(db, artistIds, albumIds);
  return { tracks, albums: albumIds, artists: artistIds };
}

/**
 * TrackUpdated (insert or update, by a service or by hand in SQL): the
 * document is rebuilt from the `after` image unless it already reflects a
 * newer row, or the track was deleted (an update cannot resurrect it; only a
 * new insert of the id can).
 */
export async function applyTrackUpdated(db: Kysely<Database>, data: EventData<"tunec.catalog.track-updated.v1">): Promise<IndexChange | null> {
  const before = await placementOf(db, data.after.id);
  const changed = await upsertTrackDocuments(db, rowFromImage(data.after), { revive: data.op === "c" });
  if (changed.length === 0) return null;
  await addTerms(db, changed);
  return refreshPlacements(db, changed, [before, await placementOf(db, data.after.id)]);
}

/** TrackDeleted: the document becomes a tombstone. */
export async function applyTrackDeleted(db: Kysely<Database>, data: EventData<"tunec.catalog.track-deleted.v1">): Promise<IndexChange | null> {
  const before = await placementOf(db, data.before.id);
  await tombstoneTrack(db, data.before);
  return refreshPlacements(db, [data.before.id], [before]);
}

/** The documents of `tracks` (a catalog.tracks-shaped source) rebuilt, with their artists and albums. */
async function rebuild(db: Kysely<Database>, tracks: RawBuilder<unknown>, artistIds: string[], albumIds: string[]): Promise<IndexChange | null> {
  const changed = await upsertTrackDocuments(db, tracks);
  await addTerms(db, changed);
  await refreshArtistsAndAlbums(db, artistIds, albumIds);
  return { tracks: changed, albums: albumIds, artists: artistIds };
}

/**
 * ArtistUpdated: a rename (or a merge) changes the names in every document
 * crediting the artist, which TrackUpdated would not bring until the tracks
 * themselves change. A merge rebuilds both profiles: the old one's counts drop
 * to nothing as its tracks move (CDC brings those moves too, in any order).
 */
export async function applyArtistUpdated(db: Kysely<Database>, data: EventData<"tunec.catalog.artist-updated.v1">): Promise<IndexChange | null> {
  const artistIds = [data.artistId, ...(data.mergedInto ? [data.mergedInto] : [])];
  const ids = sql`${sql.val(artistIds)}::uuid[]`;
  const tracks = sql`(select * from catalog.tracks t where t.artist_id = any(${ids})
    or exists (select 1 from catalog.track_artists ta where ta.track_id = t.id and ta.artist_id = any(${ids}))
    or t.id in (select d.id from search.tracks d where d.artist_ids && ${ids}))`;
  const albums = await db.selectFrom("catalog.albums").select("id").where("artist_id", "in", artistIds).execute();
  return rebuild(
    db,
    tracks,
    artistIds,
    albums.map((album) => album.id),
  );
}

/** AlbumUpdated: its title and cover live in its tracks' documents. */
export async function applyAlbumUpdated(db: Kysely<Database>, data: EventData<"tunec.catalog.album-updated.v1">): Promise<IndexChange | null> {
  const tracks = sql`(select * from catalog.tracks t where t.album_id = ${data.albumId}::uuid)`;
  return rebuild(db, tracks, [data.artistId], [data.albumId]);
}
