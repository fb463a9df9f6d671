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

/**
 * The documents one event changed, by kind, and what each matched by before
 * (`before["track:<id>"]`, the search form, '' when it matched nothing), so
 * that only its new words drop cached searches (workers/search/cache-tags.ts).
 */
export interface IndexChange {
  tracks: string[];
  albums: string[];
  artists: string[];
  before: Record<string, string>;
}

/**
 * The search forms documents match by now ('' for a hidden or deleted track,
 * or an artist or album without visible tracks; absent rows are left out).
 * `tracks` is a list of ids or a catalog.tracks-shaped source.
 */
export async function searchForms(
  db: Kysely<Database>,
  ids: { tracks: string[] | RawBuilder<unknown>; albums: string[]; artists: string[] },
): Promise<Record<string, string>> {
  const forms: Record<string, string> = {};
  const trackIds = Array.isArray(ids.tracks) ? sql`${sql.val(ids.tracks)}::uuid[]` : sql`array(select t.id from ${ids.tracks} t)`;
  if (!Array.isArray(ids.tracks) || ids.tracks.length > 0) {
    const rows = await sql<{ id: string; form: string }>`
      select id, case when visible then names_latin else '' end as form from search.tracks where id = any(${trackIds})`.execute(db);
    for (const row of rows.rows) forms[`track:${row.id}`] = row.form;
  }
  if (ids.albums.length > 0) {
    const rows = await sql<{ id: string; form: string }>`
      select id, case when track_count > 0 then search.search_key(concat_ws(' ', title, artist_name)) else '' end as form
      from search.albums where id = any(${sql.val(ids.albums)}::uuid[])`.execute(db);
    for (const row of rows.rows) forms[`album:${row.id}`] = row.form;
  }
  if (ids.artists.length > 0) {
    const rows = await sql<{ id: string; form: string }>`
      select id, case when track_count > 0 then name_latin else '' end as form from search.artists where id = any(${sql.val(ids.artists)}::uuid[])`.execute(db);
    for (const row of rows.rows) forms[`artist:${row.id}`] = row.form;
  }
  return forms;
}

async function placementOf(db: Kysely<Database>, trackId: string): Promise<Placement | undefined> {
  return db.selectFrom("search.tracks").select(["artist_ids", "album_id"]).where("id", "=", trackId).executeTakeFirst();
}

/** Artists and albums a track belonged to before or after a change: their documents' counts move. */
async function refreshPlacements(
  db: Kysely<Database>,
  tracks: string[],
  placements: Array<Placement | undefined>,
  before: Record<string, string>,
): Promise<IndexChange> {
  const present = placements.filter((placement): placement is Placement => placement !== undefined);
  const artistIds = [...new Set(present.flatMap((placement) => placement.artist_ids))];
  const albumIds = [...new Set(present.map((placement) => placement.album_id).filter((id): id is string => id !== null))];
  const formsBefore = { ...(await searchForms(db, { tracks: [], albums: albumIds, artists: artistIds })), ...before };
  await refreshArtistsAndAlbums(db, artistIds, albumIds);
  return { tracks, albums: albumIds, artists: artistIds, before: formsBefore };
}

/**
 * TrackUpdated (insert or update, by a service or by hand in SQL): the
 * document is rebuilt from the `after` image unless it already reflects a
 * newer row, or the track was deleted (an update cannot resurrect it; only a
 * new insert of the id can).
 */
export async function applyTrackUpdated(db: Kysely<Database>, data: EventData<"tunec.catalog.track-updated.v1">): Promise<IndexChange | null> {
  const before = await placementOf(db, data.after.id);
  const formsBefore = await searchForms(db, { tracks: [data.after.id], albums: [], artists: [] });
  const changed = await upsertTrackDocuments(db, rowFromImage(data.after), { revive: data.op === "c" });
  if (changed.length === 0) return null;
  await addTerms(db, changed);
  return refreshPlacements(db, changed, [before, await placementOf(db, data.after.id)], formsBefore);
}

/** TrackDeleted: the document becomes a tombstone. */
export async function applyTrackDeleted(db: Kysely<Database>, data: EventData<"tunec.catalog.track-deleted.v1">): Promise<IndexChange | null> {
  const before = await placementOf(db, data.before.id);
  const formsBefore = await searchForms(db, { tracks: [data.before.id], albums: [], artists: [] });
  await tombstoneTrack(db, data.before);
  return refreshPlacements(db, [data.before.id], [before], formsBefore);
}

/** The documents of `tracks` (a catalog.tracks-shaped source) rebuilt, with their artists and albums. */
async function rebuild(db: Kysely<Database>, tracks: RawBuilder<unknown>, artistIds: string[], albumIds: string[]): Promise<IndexChange | null> {
  const before = await searchForms(db, { tracks, albums: albumIds, artists: artistIds });
  const changed = await upsertTrackDocuments(db, tracks);
  await addTerms(db, changed);
  await refreshArtistsAndAlbums(db, artistIds, albumIds);
  return { tracks: changed, albums: albumIds, artists: artistIds, before };
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
