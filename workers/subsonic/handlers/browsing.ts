/** System and browsing endpoints: ping, license, folders, the artist index, artists, albums, songs, genres, the user. */
import { sql } from "kysely";
import { findAlbum, findArtist, findTrack, listTracks } from "../../catalog/repository.ts";
import { SubsonicError, errorCodes, type SubsonicObject } from "../envelope.ts";
import type { SubsonicHandler } from "../handler.ts";
import { albumsOfArtist, artistIndex, findAlbumSummaries, findArtistSummaries, genreCounts, starredAt } from "../library.ts";
import { indexLetter, musicFolder } from "../mapping.ts";
import type { SubsonicParams } from "../params.ts";
import { albumDirectoriesOf, albumsOf, artistsOf, songsOf } from "./hydrate.ts";

/** A catalog's whole artist list is one response in Subsonic; past this many, clients get the first ones by name. */
export const maxIndexedArtists = 10_000;
const maxGenres = 1_000;
const maxArtistAlbums = 500;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function notFound(what: string): SubsonicError {
  return new SubsonicError(errorCodes.notFound, `${what} not found.`);
}

/** A required id parameter; anything but a TUNEC uuid cannot name anything, so it is "not found" (70). */
export function idParam(params: SubsonicParams, name: string, what: string): string {
  const id = params.required(name);
  if (!uuidPattern.test(id)) throw notFound(what);
  return id.toLowerCase();
}

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

function groupByLetter<T extends { name: string }>(items: readonly T[], render: (item: T) => SubsonicObject): SubsonicObject[] {
  const groups = new Map<string, SubsonicObject[]>();
  for (const item of items) {
    const letter = indexLetter(item.name);
    const group = groups.get(letter);
    if (group) group.push(render(item));
    else groups.set(letter, [render(item)]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === "#" ? 1 : b === "#" ? -1 : a.localeCompare(b))).map(([name, artist]) => ({ name, artist }));
}

export const ping: SubsonicHandler = async () => ({});

export const getLicense: SubsonicHandler = async () => ({ license: { valid: true } });

export const getMusicFolders: SubsonicHandler = async () => ({ musicFolders: { musicFolder: [{ ...musicFolder }] } });

export const getIndexes: SubsonicHandler = async ({ db, params, account }) => {
  const latest = await db
    .selectFrom("catalog.tracks")
    .select(sql<string | null>`(extract(epoch from max(published_at)) * 1000)::bigint::text`.as("at"))
    .where("status", "=", "published")
    .executeTakeFirst();
  const lastModified = Number(latest?.at ?? 0);
  const since = params.optionalInt("ifModifiedSince");
  // Nothing changed since the client's copy: an empty index, as the original server answers.
  if (since !== undefined && since >= lastModified) return { indexes: { ignoredArticles: "", lastModified } };
  const artists = await artistIndex(db, maxIndexedArtists);
  const stars = await starredAt(
    db,
    account.userId,
    "artist",
    artists.map((artist) => artist.id),
  );
  return {
    indexes: {
      ignoredArticles: "",
      lastModified,
      index: groupByLetter(artists, (artist) => ({ id: artist.id, name: artist.name, starred: stars.get(artist.id) })),
    },
  };
};

export const getArtists: SubsonicHandler = async ({ db, account }) => {
  const artists = await artistIndex(db, maxIndexedArtists);
  const rendered = new Map((await artistsOf(db, account.userId, artists)).map((artist, index) => [artists[index]?.id, artist]));
  return { artists: { ignoredArticles: "", index: groupByLetter(artists, (artist) => rendered.get(artist.id) ?? { id: artist.id, name: artist.name }) } };
};

export const getArtist: SubsonicHandler = async ({ db, params, account }) => {
  const id = idParam(params, "id", "Artist");
  const found = await findArtist(db, id, 0);
  if (!found) throw notFound("Artist");
  // A merged profile lives on as the one it was merged into, as the JSON API redirects.
  const artistId = found.artist.merged_into ?? id;
  const [summary] = await findArtistSummaries(db, [artistId]);
  if (!summary) throw notFound("Artist");
  const [artist] = await artistsOf(db, account.userId, [summary]);
  const albums = await albumsOf(db, account.userId, await albumsOfArtist(db, artistId, maxArtistAlbums));
  return { artist: { ...artist, album: albums } };
};

export const getAlbum: SubsonicHandler = async ({ db, params, account }) => {
  const id = idParam(params, "id", "Album");
  const found = await findAlbum(db, id);
  if (!found || found.album.status !== "published") throw notFound("Album");
  const [summary] = await findAlbumSummaries(db, [id]);
  if (!summary) throw notFound("Album");
  const [album] = await albumsOf(db, account.userId, [summary]);
  return { album: { ...album, song: await songsOf(db, account.userId, found.tracks) } };
};

export const getSong: SubsonicHandler = async ({ db, params, account }) => {
  const track = await findTrack(db, idParam(params, "id", "Song"));
  if (!track) throw notFound("Song");
  const [song] = await songsOf(db, account.userId, [track]);
  return { song };
};

export const getGenres: SubsonicHandler = async ({ db }) => {
  const genres = await genreCounts(db, maxGenres);
  return { genres: { genre: genres.map((genre) => ({ value: genre.name, songCount: genre.song_count, albumCount: genre.album_count })) } };
};

export const getUser: SubsonicHandler = async ({ params, account }) => {
  const username = params.required("username");
  // Subsonic lets admins read other users; TUNEC's accounts are private to their owners.
  if (username.trim().toLowerCase() !== account.email) throw new SubsonicError(errorCodes.notAuthorized, "You may only read your own user.");
  return {
    user: {
      username: account.email,
      scrobblingEnabled: true,
      adminRole: false,
      settingsRole: false,
      downloadRole: account.isPremium,
      uploadRole: false,
      playlistRole: true,
      coverArtRole: false,
      commentRole: false,
      podcastRole: false,
      streamRole: true,
      jukeboxRole: false,
      shareRole: false,
      videoConversionRole: false,
      folder: [musicFolder.id],
    },
  };
};

/** Part of apiKeyAuthentication: whose key this is (a wrong key never gets here: it is error 44). */
export const tokenInfo: SubsonicHandler = async ({ account }) => ({ tokenInfo: { username: account.email } });

/**
 * The file-structure view (older players such as DSub browse by folders):
 * an artist is a folder of its albums and of its songs on no album; an album
 * is a folder of its songs.
 */
export const getMusicDirectory: SubsonicHandler = async ({ db, params, account }) => {
  const id = idParam(params, "id", "Directory");
  const album = await findAlbum(db, id);
  if (album) {
    const [summary] = album.album.status === "published" ? await findAlbumSummaries(db, [id]) : [];
    if (!summary) throw notFound("Directory");
    const starred = (await starredAt(db, account.userId, "album", [id])).get(id);
    return {
      directory: {
        id,
        parent: summary.artist_id,
        name: summary.title,
        starred,
        playCount: summary.plays,
        child: await songsOf(db, account.userId, album.tracks),
      },
    };
  }
  const artist = await findArtist(db, id, 0);
  if (!artist || artist.artist.merged_into) throw notFound("Directory");
  const [albums, tracks, stars] = await Promise.all([
    albumsOfArtist(db, id, maxArtistAlbums),
    listTracks(db, { artistId: id }, maxArtistAlbums),
    starredAt(db, account.userId, "artist", [id]),
  ]);
  const singles = tracks.filter((track) => track.album_id === null);
  return {
    directory: {
      id,
      name: artist.artist.name,
      starred: stars.get(id),
      child: [...(await albumDirectoriesOf(db, account.userId, albums)), ...(await songsOf(db, account.userId, singles))],
    },
  };
};
