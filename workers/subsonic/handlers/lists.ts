/** Album and song lists: getAlbumList2, getRandomSongs, getSongsByGenre, getStarred2, search3. */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { findTracks } from "../../catalog/repository.ts";
import { searchCatalog } from "../../search/search-query.ts";
import { listLikes } from "../../users/domain/likes.ts";
import { SubsonicError, errorCodes } from "../envelope.ts";
import type { SubsonicHandler, SubsonicRequest } from "../handler.ts";
import { albumList, findAlbumSummaries, findArtistSummaries, randomTrackIds, trackIdsByGenre, type AlbumListType } from "../library.ts";
import type { SubsonicParams } from "../params.ts";
import { albumDirectoriesOf, albumsOf, artistsOf, plainArtistsOf, songsOf } from "./hydrate.ts";

/** The spec's own cap on list sizes. */
const maxSize = 500;
/** Deep offsets cost a walk over every skipped row; sync clients page through far less than this per list. */
const maxOffset = 100_000;
/** Stars shown by getStarred2, per kind. */
const maxStarred = 1_000;

const listTypes = ["random", "newest", "highest", "frequent", "recent", "starred", "alphabeticalByName", "alphabeticalByArtist", "byYear", "byGenre"] as const;

function listTypeOf(params: SubsonicParams, userId: string): AlbumListType {
  const type = params.required("type");
  switch (type) {
    case "random":
    case "newest":
    case "highest":
    case "frequent":
    case "alphabeticalByName":
    case "alphabeticalByArtist":
      return { type };
    case "recent":
    case "starred":
      return { type, userId };
    case "byYear": {
      const fromYear = params.optionalInt("fromYear");
      const toYear = params.optionalInt("toYear");
      if (fromYear === undefined) params.required("fromYear");
      if (toYear === undefined) params.required("toYear");
      return { type, fromYear: fromYear ?? 0, toYear: toYear ?? 0 };
    }
    case "byGenre":
      return { type, genre: params.required("genre").slice(0, 200) };
    default:
      throw new SubsonicError(errorCodes.generic, `Unknown list type ${type.slice(0, 40)}; one of ${listTypes.join(", ")}.`);
  }
}

async function listedAlbums(request: SubsonicRequest) {
  const { db, params, account } = request;
  const list = listTypeOf(params, account.userId);
  const size = params.int("size", { min: 1, max: maxSize, fallback: 10 });
  const offset = params.int("offset", { min: 0, max: maxOffset, fallback: 0 });
  return albumList(db, list, size, offset);
}

export const getAlbumList2: SubsonicHandler = async (request) => ({
  albumList2: { album: await albumsOf(request.db, request.account.userId, await listedAlbums(request)) },
});

/** The file-structure twin of getAlbumList2: albums as folders. */
export const getAlbumList: SubsonicHandler = async (request) => ({
  albumList: { album: await albumDirectoriesOf(request.db, request.account.userId, await listedAlbums(request)) },
});

export const getRandomSongs: SubsonicHandler = async ({ db, params, account }) => {
  const size = params.int("size", { min: 1, max: maxSize, fallback: 10 });
  const ids = await randomTrackIds(db, size, {
    genre: params.get("genre")?.slice(0, 200),
    fromYear: params.optionalInt("fromYear"),
    toYear: params.optionalInt("toYear"),
  });
  return { randomSongs: { song: await songsOf(db, account.userId, await findTracks(db, ids)) } };
};

export const getSongsByGenre: SubsonicHandler = async ({ db, params, account }) => {
  const genre = params.required("genre").slice(0, 200);
  const count = params.int("count", { min: 1, max: maxSize, fallback: 10 });
  const offset = params.int("offset", { min: 0, max: maxOffset, fallback: 0 });
  const ids = await trackIdsByGenre(db, genre, count, offset);
  return { songsByGenre: { song: await songsOf(db, account.userId, await findTracks(db, ids)) } };
};

async function starredItems(request: SubsonicRequest) {
  const { db, account } = request;
  const [tracks, albums, artists] = await Promise.all(
    (["track", "album", "artist"] as const).map(async (kind) => (await listLikes(db, account.userId, kind, maxStarred)).map((like) => like.id)),
  );
  const [artistRows, albumRows, trackRows] = await Promise.all([
    findArtistSummaries(db, artists ?? []),
    findAlbumSummaries(db, albums ?? []),
    findTracks(db, tracks ?? []),
  ]);
  return { artists: artistRows, albums: albumRows, tracks: trackRows };
}

export const getStarred2: SubsonicHandler = async (request) => {
  const { db, account } = request;
  const found = await starredItems(request);
  return {
    starred2: {
      artist: await artistsOf(db, account.userId, found.artists),
      album: await albumsOf(db, account.userId, found.albums),
      song: await songsOf(db, account.userId, found.tracks),
    },
  };
};

/** The file-structure twin of getStarred2. */
export const getStarred: SubsonicHandler = async (request) => {
  const { db, account } = request;
  const found = await starredItems(request);
  return {
    starred: {
      artist: await plainArtistsOf(db, account.userId, found.artists),
      album: await albumDirectoriesOf(db, account.userId, found.albums),
      song: await songsOf(db, account.userId, found.tracks),
    },
  };
};

interface Window {
  count: number;
  offset: number;
}

const none: Window = { count: 0, offset: 0 };

function windowOf(params: SubsonicParams, prefix: "artist" | "album" | "song"): Window {
  return {
    count: params.int(`${prefix}Count`, { min: 0, max: maxSize, fallback: 20 }),
    offset: params.int(`${prefix}Offset`, { min: 0, max: maxOffset, fallback: 0 }),
  };
}

/** Everything, in stable orders: the spec asks an empty query to list the library (clients sync with it). */
async function everything(db: Kysely<Database>, artists: Window, albums: Window, songs: Window) {
  const [artistIds, albumRows, songIds] = await Promise.all([
    artists.count === 0
      ? Promise.resolve<string[]>([])
      : db
          .selectFrom("catalog.artists")
          .select("id")
          .where("merged_into", "is", null)
          .where((eb) =>
            eb.exists(
              eb.selectFrom("catalog.tracks as t").select("t.id").whereRef("t.artist_id", "=", "catalog.artists.id").where("t.status", "=", "published"),
            ),
          )
          .orderBy("name")
          .orderBy("id")
          .limit(artists.count)
          .offset(artists.offset)
          .execute()
          .then((rows) => rows.map((row) => row.id)),
    albums.count === 0 ? Promise.resolve([]) : albumList(db, { type: "alphabeticalByName" }, albums.count, albums.offset),
    songs.count === 0
      ? Promise.resolve<string[]>([])
      : db
          .selectFrom("catalog.tracks")
          .select("id")
          .where("status", "=", "published")
          .where("published_at", "is not", null)
          .orderBy("published_at", "desc")
          .orderBy("id", "desc")
          .limit(songs.count)
          .offset(songs.offset)
          .execute()
          .then((rows) => rows.map((row) => row.id)),
  ]);
  return { artists: await findArtistSummaries(db, artistIds), albums: albumRows, tracks: await findTracks(db, songIds) };
}

/** TUNEC's own search (transliteration, stems, typo corrections), one type at a time; offsets page inside its ranked hits. */
async function searched(db: Kysely<Database>, q: string, artists: Window, albums: Window, songs: Window) {
  const hitIds = async (type: "artist" | "album" | "track", window: Window): Promise<string[]> => {
    if (window.count === 0) return [];
    const hits = await searchCatalog(db, { q, type, limit: window.offset + window.count });
    return hits.hits.slice(window.offset, window.offset + window.count).map((hit) => hit.id);
  };
  const [artistIds, albumIds, trackIds] = await Promise.all([hitIds("artist", artists), hitIds("album", albums), hitIds("track", songs)]);
  const [artistRows, albumRows, tracks] = await Promise.all([findArtistSummaries(db, artistIds), findAlbumSummaries(db, albumIds), findTracks(db, trackIds)]);
  return { artists: artistRows, albums: albumRows, tracks };
}

async function searchItems(request: SubsonicRequest) {
  const { db, params } = request;
  if (!params.has("query")) params.required("query");
  // Clients send the empty query as "" literally, too.
  const raw = (params.get("query") ?? "").trim();
  const q = raw === '""' ? "" : raw.slice(0, 200);
  const artists = windowOf(params, "artist");
  const albums = windowOf(params, "album");
  const songs = windowOf(params, "song");
  // A query of punctuation only (clients append "*" wildcards, for instance) matches nothing in TUNEC's search.
  const words = q.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  if (q === "") return everything(db, artists, albums, songs);
  if (words === "") return everything(db, none, none, none);
  return searched(db, words, artists, albums, songs);
}

export const search3: SubsonicHandler = async (request) => {
  const { db, account } = request;
  const found = await searchItems(request);
  return {
    searchResult3: {
      artist: await artistsOf(db, account.userId, found.artists),
      album: await albumsOf(db, account.userId, found.albums),
      song: await songsOf(db, account.userId, found.tracks),
    },
  };
};

/** The file-structure twin of search3 (same parameters since 1.4.0). */
export const search2: SubsonicHandler = async (request) => {
  const { db, account } = request;
  const found = await searchItems(request);
  return {
    searchResult2: {
      artist: await plainArtistsOf(db, account.userId, found.artists),
      album: await albumDirectoriesOf(db, account.userId, found.albums),
      song: await songsOf(db, account.userId, found.tracks),
    },
  };
};
