/**
 * The listener's library through Subsonic: stars are TUNEC likes, playlists
 * are TUNEC playlists with their access rules (a private playlist of someone
 * else does not exist: error 70, exactly like a missing one). Subsonic has no
 * If-Match, so a write is made against the version just read; a concurrent
 * change in between is refused, never overwritten.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { findTracks } from "../../catalog/repository.ts";
import { addLike, likeTargetExists, removeLike } from "../../users/domain/likes.ts";
import { authorize, type Need } from "../../users/domain/playlists/access.ts";
import { etagOf } from "../../users/domain/playlists/etag.ts";
import { mutatePlaylist } from "../../users/domain/playlists/mutations.ts";
import { findPlaylist, listEntries, listMyPlaylists, type PlaylistRecord } from "../../users/domain/playlists/repository.ts";
import { addTracks, maxPlaylistTracks, removeEntry } from "../../users/domain/playlists/tracks.ts";
import type { LikeTargetKind } from "../../../shared/db/users.table.ts";
import { SubsonicError, errorCodes, type SubsonicObject } from "../envelope.ts";
import type { SubsonicHandler, SubsonicRequest } from "../handler.ts";
import { toPlaylist } from "../mapping.ts";
import { idParam, isUuid, notFound } from "./browsing.ts";
import { songsOf } from "./hydrate.ts";

const maxIdsPerCall = 500;
const maxListedPlaylists = 1_000;

function ids(request: SubsonicRequest, name: string): readonly string[] {
  const values = request.params.all(name);
  if (values.length > maxIdsPerCall) throw new SubsonicError(errorCodes.generic, `At most ${maxIdsPerCall} ${name} values per call.`);
  return values;
}

/** `id` may name a song, an album or an artist (the folder-based clients do not say which). */
async function kindOf(db: Kysely<Database>, id: string): Promise<LikeTargetKind | undefined> {
  for (const kind of ["track", "album", "artist"] as const) if (await likeTargetExists(db, kind, id)) return kind;
  return undefined;
}

async function starTargets(request: SubsonicRequest): Promise<Array<{ kind: LikeTargetKind; id: string }>> {
  const { db } = request;
  const targets: Array<{ kind: LikeTargetKind; id: string }> = [];
  const all = [...ids(request, "id"), ...ids(request, "albumId"), ...ids(request, "artistId")];
  if (all.length === 0) throw new SubsonicError(errorCodes.missingParameter, "Required parameter is missing: id, albumId or artistId.");
  for (const id of ids(request, "id")) {
    const kind = isUuid(id) ? await kindOf(db, id.toLowerCase()) : undefined;
    if (!kind) throw notFound(`Item ${id.slice(0, 40)}`);
    targets.push({ kind, id: id.toLowerCase() });
  }
  for (const [name, kind] of [
    ["albumId", "album"],
    ["artistId", "artist"],
  ] as const) {
    for (const id of ids(request, name)) {
      if (!isUuid(id) || !(await likeTargetExists(db, kind, id.toLowerCase()))) throw notFound(kind === "album" ? "Album" : "Artist");
      targets.push({ kind, id: id.toLowerCase() });
    }
  }
  return targets;
}

export const star: SubsonicHandler = async (request) => {
  for (const target of await starTargets(request)) await addLike(request.db, request.account.userId, target.kind, target.id);
  return {};
};

export const unstar: SubsonicHandler = async (request) => {
  // Unstarring something that vanished from the catalog must still work, so ids are not checked against it.
  const all = [...ids(request, "id"), ...ids(request, "albumId"), ...ids(request, "artistId")];
  if (all.length === 0) throw new SubsonicError(errorCodes.missingParameter, "Required parameter is missing: id, albumId or artistId.");
  const kinds = (name: string): readonly LikeTargetKind[] => (name === "albumId" ? ["album"] : name === "artistId" ? ["artist"] : ["track", "album", "artist"]);
  for (const name of ["id", "albumId", "artistId"]) {
    for (const id of ids(request, name)) {
      if (!isUuid(id)) continue;
      for (const kind of kinds(name)) await removeLike(request.db, request.account.userId, kind, id.toLowerCase());
    }
  }
  return {};
};

/** Owners are named by their username only to themselves: another listener's email is theirs to keep. */
async function ownerNames(request: SubsonicRequest, playlists: readonly PlaylistRecord[]): Promise<Map<string, string>> {
  const others = [...new Set(playlists.map((playlist) => playlist.owner_id).filter((id) => id !== request.account.userId))];
  const names = new Map<string, string>([[request.account.userId, request.account.email]]);
  if (others.length > 0) {
    const rows = await request.db.selectFrom("users.profiles").select(["user_id", "display_name"]).where("user_id", "in", others).execute();
    for (const row of rows) if (row.display_name) names.set(row.user_id, row.display_name);
  }
  for (const id of others) if (!names.has(id)) names.set(id, "TUNEC listener");
  return names;
}

async function durations(db: Kysely<Database>, playlistIds: readonly string[]): Promise<Map<string, number>> {
  if (playlistIds.length === 0) return new Map();
  const result = await sql<{ id: string; seconds: number }>`
    select pt.playlist_id as id, (coalesce(sum(t.duration_ms), 0) / 1000)::int as seconds
    from users.playlist_tracks pt join catalog.tracks t on t.id = pt.track_id and t.status = 'published'
    where pt.playlist_id = any(${[...playlistIds]}::uuid[]) group by pt.playlist_id`.execute(db);
  return new Map(result.rows.map((row) => [row.id, row.seconds]));
}

export const getPlaylists: SubsonicHandler = async (request) => {
  const username = request.params.get("username");
  if (username !== undefined && username.trim().toLowerCase() !== request.account.email) {
    throw new SubsonicError(errorCodes.notAuthorized, "You may only list your own playlists.");
  }
  const playlists = await listMyPlaylists(request.db, request.account.userId, undefined, maxListedPlaylists);
  const [names, seconds] = await Promise.all([
    ownerNames(request, playlists),
    durations(
      request.db,
      playlists.map((playlist) => playlist.id),
    ),
  ]);
  return { playlists: { playlist: playlists.map((playlist) => toPlaylist(playlist, names.get(playlist.owner_id) ?? "", seconds.get(playlist.id) ?? 0)) } };
};

/** A TUNEC access refusal as Subsonic says it: missing or invisible is 70, visible but not yours to change is 50. */
async function access(request: SubsonicRequest, id: string, need: Need): Promise<PlaylistRecord> {
  try {
    return (await authorize(request.db, id, request.account.userId, need)).playlist;
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw notFound("Playlist");
    if (error instanceof AppError && error.code === "FORBIDDEN") throw new SubsonicError(errorCodes.notAuthorized, error.message);
    throw error;
  }
}

async function playlistWithSongs(request: SubsonicRequest, playlist: PlaylistRecord): Promise<SubsonicObject> {
  const entries = await listEntries(request.db, playlist.id, maxPlaylistTracks);
  // Taken-down tracks stay in the playlist on TUNEC; Subsonic clients cannot play them, so they are left out.
  const tracks = await findTracks(
    request.db,
    entries.map((entry) => entry.track_id),
  );
  const byId = new Map(tracks.map((track) => [track.id, track]));
  const playable = entries.flatMap((entry) => byId.get(entry.track_id) ?? []);
  const [names, songs] = await Promise.all([ownerNames(request, [playlist]), songsOf(request.db, request.account.userId, playable)]);
  const seconds = Math.round(playable.reduce((sum, track) => sum + track.duration_ms, 0) / 1000);
  return { ...toPlaylist(playlist, names.get(playlist.owner_id) ?? "", seconds), songCount: songs.length, entry: songs };
}

export const getPlaylist: SubsonicHandler = async (request) => {
  const playlist = await access(request, idParam(request.params, "id", "Playlist"), "view");
  return { playlist: await playlistWithSongs(request, playlist) };
};

function songIds(request: SubsonicRequest, name: string): string[] {
  const values = ids(request, name);
  for (const id of values) if (!isUuid(id)) throw notFound(`Song ${id.slice(0, 40)}`);
  return values.map((id) => id.toLowerCase());
}

/** A TUNEC mutation refusal as a Subsonic error. */
function subsonicError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  switch (error.code) {
    case "NOT_FOUND":
      return notFound("Playlist");
    case "FORBIDDEN":
      return new SubsonicError(errorCodes.notAuthorized, error.message);
    case "VALIDATION_FAILED":
      return new SubsonicError(errorCodes.notFound, "Some songs are not in the catalog.");
    case "PRECONDITION_FAILED":
      return new SubsonicError(errorCodes.generic, "The playlist changed at the same time on another device; try again.");
    case "PLAYLIST_FULL":
      return new SubsonicError(errorCodes.generic, error.message);
    default:
      return error;
  }
}

async function mutate(
  request: SubsonicRequest,
  playlist: PlaylistRecord,
  need: Exclude<Need, "view">,
  work: Parameters<typeof mutatePlaylist>[2],
): Promise<void> {
  try {
    await mutatePlaylist(request.db, { playlistId: playlist.id, userId: request.account.userId, ifMatch: etagOf(playlist.version), need }, work);
  } catch (error) {
    throw subsonicError(error);
  }
}

const nameLimit = (name: string) => {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new SubsonicError(errorCodes.generic, "A playlist name has 1–200 characters.");
  return trimmed;
};

/** Creates a playlist, or (with playlistId) replaces an existing one's songs, as the spec says. */
export const createPlaylist: SubsonicHandler = async (request) => {
  const songs = songIds(request, "songId");
  if (songs.length > maxPlaylistTracks) throw new SubsonicError(errorCodes.generic, `A playlist holds at most ${maxPlaylistTracks} songs.`);
  const existingId = request.params.get("playlistId");
  let playlist: PlaylistRecord;
  if (existingId !== undefined) {
    if (!isUuid(existingId)) throw notFound("Playlist");
    playlist = await access(request, existingId.toLowerCase(), "edit");
    const name = request.params.get("name");
    await mutate(request, playlist, "edit", async (trx, locked) => {
      await trx.deleteFrom("users.playlist_tracks").where("playlist_id", "=", locked.id).execute();
      await trx
        .updateTable("users.playlists")
        .set({ track_count: 0, ...(name !== undefined ? { name: nameLimit(name) } : {}) })
        .where("id", "=", locked.id)
        .execute();
      if (songs.length > 0) await addTracks(trx, { ...locked, track_count: 0 }, { trackIds: songs, beforeEntryId: null, userId: request.account.userId });
    });
  } else {
    const name = nameLimit(request.params.required("name"));
    // One transaction: a song that is not in the catalog leaves no empty playlist behind.
    const createdId = await request.db
      .transaction()
      .execute(async (trx) => {
        const created = await trx
          .insertInto("users.playlists")
          .values({ owner_id: request.account.userId, name })
          .returning(["id", "owner_id", "version"])
          .executeTakeFirstOrThrow();
        if (songs.length > 0) {
          await addTracks(
            trx,
            { ...created, version: String(created.version), track_count: 0 },
            { trackIds: songs, beforeEntryId: null, userId: request.account.userId },
          );
        }
        return created.id;
      })
      .catch((error: unknown) => {
        throw subsonicError(error);
      });
    playlist = await access(request, createdId, "own");
  }
  const current = await findPlaylist(request.db, playlist.id);
  if (!current) throw notFound("Playlist");
  return { playlist: await playlistWithSongs(request, current) };
};

export const updatePlaylist: SubsonicHandler = async (request) => {
  const playlist = await access(request, idParam(request.params, "playlistId", "Playlist"), "edit");
  const name = request.params.get("name");
  const comment = request.params.get("comment");
  const visibility = request.params.has("public") ? (request.params.bool("public", false) ? "public" : "private") : undefined;
  const add = songIds(request, "songIdToAdd");
  const remove = ids(request, "songIndexToRemove").map((index) => {
    if (!/^\d{1,5}$/.test(index)) throw new SubsonicError(errorCodes.generic, "songIndexToRemove must be a non-negative integer.");
    return Number(index);
  });
  if (comment !== undefined && comment.length > 2000) throw new SubsonicError(errorCodes.generic, "A playlist comment has at most 2000 characters.");
  // Changing who may see it is the owner's alone; renaming and editing songs is also the invited editors'.
  const need = visibility !== undefined && visibility !== playlist.visibility ? "own" : "edit";
  await mutate(request, playlist, need, async (trx, locked) => {
    if (name !== undefined || comment !== undefined || visibility !== undefined) {
      await trx
        .updateTable("users.playlists")
        .set({
          ...(name !== undefined ? { name: nameLimit(name) } : {}),
          ...(comment !== undefined ? { description: comment === "" ? null : comment } : {}),
          ...(visibility !== undefined ? { visibility } : {}),
        })
        .where("id", "=", locked.id)
        .execute();
    }
    let trackCount = locked.track_count;
    if (remove.length > 0) {
      // Indexes count the entries as getPlaylist listed them (playable ones); all are resolved before any is removed.
      const entries = (await listEntries(trx, locked.id, maxPlaylistTracks)).filter((entry) => entry.title !== null);
      const doomed = [...new Set(remove)].map((index) => entries[index]?.entry_id);
      if (doomed.some((entryId) => entryId === undefined)) throw new SubsonicError(errorCodes.notFound, "No song at one of the songIndexToRemove positions.");
      for (const entryId of doomed) if (entryId) await removeEntry(trx, locked, entryId);
      trackCount -= doomed.length;
    }
    if (add.length > 0) await addTracks(trx, { ...locked, track_count: trackCount }, { trackIds: add, beforeEntryId: null, userId: request.account.userId });
  });
  return {};
};

export const deletePlaylist: SubsonicHandler = async (request) => {
  const playlist = await access(request, idParam(request.params, "id", "Playlist"), "own");
  await mutate(request, playlist, "own", async (trx, locked) => {
    await trx.deleteFrom("users.playlists").where("id", "=", locked.id).execute();
  });
  return {};
};
