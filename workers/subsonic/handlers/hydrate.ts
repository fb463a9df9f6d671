/** Catalog records to OpenSubsonic items, with the listener's stars, in a fixed number of queries per list. */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { TrackRecord } from "../../catalog/repository.ts";
import type { SubsonicObject } from "../envelope.ts";
import { starredAt, trackExtras, type AlbumSummary, type ArtistSummary } from "../library.ts";
import { toAlbumDirectory, toAlbumID3, toArtist, toArtistID3, toChild } from "../mapping.ts";

export async function songsOf(db: Kysely<Database>, userId: string, tracks: readonly TrackRecord[]): Promise<SubsonicObject[]> {
  const ids = tracks.map((track) => track.id);
  const [extras, stars] = await Promise.all([trackExtras(db, ids), starredAt(db, userId, "track", ids)]);
  return tracks.map((track) => toChild(track, extras.get(track.id), stars.get(track.id)));
}

export async function albumsOf(db: Kysely<Database>, userId: string, albums: readonly AlbumSummary[]): Promise<SubsonicObject[]> {
  const stars = await starredAt(
    db,
    userId,
    "album",
    albums.map((album) => album.id),
  );
  return albums.map((album) => toAlbumID3(album, stars.get(album.id)));
}

export async function artistsOf(db: Kysely<Database>, userId: string, artists: readonly ArtistSummary[]): Promise<SubsonicObject[]> {
  const stars = await starredAt(
    db,
    userId,
    "artist",
    artists.map((artist) => artist.id),
  );
  return artists.map((artist) => toArtistID3(artist, stars.get(artist.id)));
}

export async function albumDirectoriesOf(db: Kysely<Database>, userId: string, albums: readonly AlbumSummary[]): Promise<SubsonicObject[]> {
  const stars = await starredAt(
    db,
    userId,
    "album",
    albums.map((album) => album.id),
  );
  return albums.map((album) => toAlbumDirectory(album, stars.get(album.id)));
}

export async function plainArtistsOf(db: Kysely<Database>, userId: string, artists: readonly ArtistSummary[]): Promise<SubsonicObject[]> {
  const stars = await starredAt(
    db,
    userId,
    "artist",
    artists.map((artist) => artist.id),
  );
  return artists.map((artist) => toArtist(artist, stars.get(artist.id)));
}
