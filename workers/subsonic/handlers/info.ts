/**
 * getTopSongs, getSimilarSongs2, getArtistInfo2, getAlbumInfo2 from what
 * TUNEC has today: track popularity (catalog.track_stats), genres, artist
 * bios and images. "Similar" means popular in the same genres until the
 * recommendations context can answer it better.
 */
import { sql } from "kysely";
import { mediaUrl } from "../../catalog/media.ts";
import { findArtist, findTracks } from "../../catalog/repository.ts";
import type { SubsonicHandler, SubsonicRequest } from "../handler.ts";
import { artistIdOf, artistsInGenres, findArtistSummaries, genresOf, popularInGenres } from "../library.ts";
import { idParam, notFound } from "./browsing.ts";
import { artistsOf, plainArtistsOf, songsOf } from "./hydrate.ts";

const maxCount = 500;

/** Image URLs for players, which need them absolute. */
function imageUrl(request: SubsonicRequest, key: string | null): string | undefined {
  const url = mediaUrl(request.c.get("services").mediaBaseUrl, key);
  return url ? new URL(url, request.c.req.url).toString() : undefined;
}

export const getTopSongs: SubsonicHandler = async (request) => {
  const { db, params, account } = request;
  const count = params.int("count", { min: 1, max: maxCount, fallback: 50 });
  let artistId: string | undefined;
  if (params.get("id") !== undefined) artistId = await artistIdOf(db, idParam(params, "id", "Artist"));
  else {
    const name = params.required("artist").slice(0, 200);
    const row = await db
      .selectFrom("catalog.artists")
      .select("id")
      .where(sql<boolean>`lower(name) = lower(${name})`)
      .where("merged_into", "is", null)
      .orderBy("created_at")
      .limit(1)
      .executeTakeFirst();
    artistId = row?.id;
  }
  // An unknown name is an empty list: clients ask for artists they only know from tags.
  if (!artistId) return { topSongs: { song: [] } };
  const found = await findArtist(db, artistId, count);
  return { topSongs: { song: await songsOf(db, account.userId, found?.topTracks ?? []) } };
};

async function similarSongs(request: SubsonicRequest) {
  const { db, params, account } = request;
  const id = idParam(params, "id", "Item");
  if (!(await artistIdOf(db, id))) throw notFound("Item");
  const count = params.int("count", { min: 1, max: maxCount, fallback: 50 });
  const ids = await popularInGenres(db, await genresOf(db, id), id, count);
  return songsOf(db, account.userId, await findTracks(db, ids));
}

export const getSimilarSongs2: SubsonicHandler = async (request) => ({ similarSongs2: { song: await similarSongs(request) } });
/** The file-structure twin: the same songs. */
export const getSimilarSongs: SubsonicHandler = async (request) => ({ similarSongs: { song: await similarSongs(request) } });

async function artistInfo(request: SubsonicRequest, similarAs: "ID3" | "plain") {
  const { db, params, account } = request;
  const artistId = await artistIdOf(db, idParam(params, "id", "Artist"));
  if (!artistId) throw notFound("Artist");
  const artist = await db.selectFrom("catalog.artists").select(["bio", "image_key"]).where("id", "=", artistId).executeTakeFirst();
  if (!artist) throw notFound("Artist");
  const count = params.int("count", { min: 0, max: 100, fallback: 20 });
  const similar = await findArtistSummaries(db, await artistsInGenres(db, await genresOf(db, artistId), artistId, count));
  const image = imageUrl(request, artist.image_key);
  return {
    biography: artist.bio ?? undefined,
    smallImageUrl: image,
    mediumImageUrl: image,
    largeImageUrl: image,
    similarArtist: similarAs === "ID3" ? await artistsOf(db, account.userId, similar) : await plainArtistsOf(db, account.userId, similar),
  };
}

export const getArtistInfo2: SubsonicHandler = async (request) => ({ artistInfo2: await artistInfo(request, "ID3") });
export const getArtistInfo: SubsonicHandler = async (request) => ({ artistInfo: await artistInfo(request, "plain") });

async function albumInfo(request: SubsonicRequest) {
  const { db, params } = request;
  const id = idParam(params, "id", "Album");
  const row = await db
    .selectFrom("catalog.albums as al")
    .select("al.cover_key")
    .where("al.status", "=", "published")
    .where((eb) =>
      eb.or([
        eb("al.id", "=", id),
        eb("al.id", "=", eb.selectFrom("catalog.tracks").select("album_id").where("id", "=", id).where("status", "=", "published")),
      ]),
    )
    .executeTakeFirst();
  if (!row) throw notFound("Album");
  const image = imageUrl(request, row.cover_key);
  return { smallImageUrl: image, mediumImageUrl: image, largeImageUrl: image };
}

/** Both answer `albumInfo` (the spec's name for the element of getAlbumInfo and getAlbumInfo2 alike). */
export const getAlbumInfo2: SubsonicHandler = async (request) => ({ albumInfo: await albumInfo(request) });
export const getAlbumInfo: SubsonicHandler = getAlbumInfo2;
