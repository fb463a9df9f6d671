/**
 * stream, download, scrobble and getCoverArt. Subsonic players fetch these
 * URLs directly and several do not follow redirects, so the bytes are served
 * here from the edge (R2 with Range through playback's media endpoint code,
 * or fetched from a presigned S3 URL), never a 302 to a signed URL.
 *
 * Plays go through playback's exactly-once path (the Session Durable Object):
 * a play id is derived from the device credential, the track and the hour,
 * so the many Range requests of one play, and the scrobbles that report it,
 * all name the same play, and PlaybackStarted/Finished are recorded once.
 * Playing the same track again within the hour on one device is counted
 * once: the id has to be derivable from what Subsonic sends, and it sends no
 * play id.
 */
import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import { findTracks } from "../../catalog/repository.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { playEventContext, uuidV5 } from "../../playback/play-ids.ts";
import { findPlayableTrackCached, type PlayableRendition, type PlayableTrack } from "../../playback/repository.ts";
import { serveMediaObject } from "../../playback/media-object.ts";
import { chooseRendition } from "../../playback/renditions.ts";
import { playbackServices, type PlaybackServices } from "../../playback/services.ts";
import type { StreamLeaseStore, StreamQuality } from "../../playback/stream-lease.ts";
import type { SubsonicAccount } from "../credentials.ts";
import { SubsonicError, errorCodes } from "../envelope.ts";
import type { SubsonicHandler, SubsonicRequest } from "../handler.ts";
import { coverImagesOf, resizeCover, resizedCoverKey, snapCoverSize } from "../cover-resize.ts";
import { coverKeyOf } from "../library.ts";
import { formatOfCodec } from "../mapping.ts";
import { devicePlay, endNowPlaying, listNowPlaying, setNowPlaying } from "../now-playing.ts";
import { coverStoreOf } from "../services.ts";
import { idParam, notFound } from "./browsing.ts";
import { songsOf } from "./hydrate.ts";

/** Namespace of Subsonic play ids (a random v4, fixed forever). */
const subsonicPlayNamespace = "3b0f3f55-8d0e-4c4e-9f7a-6a2d1e9c7b21";
const playWindowMs = 60 * 60 * 1000;
const maxScrobblesPerCall = 50;

/** The play a device (credential) makes of a track in the hour of `atMs`; `quality` only for a second one at another quality. */
export function subsonicPlayId(credentialId: string, trackId: string, atMs: number, quality?: StreamQuality): Promise<string> {
  const window = Math.floor(atMs / playWindowMs);
  return uuidV5(`${credentialId}/${trackId}/${window}${quality ? `/${quality}` : ""}`, subsonicPlayNamespace);
}

function playIdOf(account: SubsonicAccount, trackId: string, atMs: number, quality?: StreamQuality): Promise<string> {
  return subsonicPlayId(account.credentialId, trackId, atMs, quality);
}

async function playableTrack(request: SubsonicRequest, id: string): Promise<PlayableTrack> {
  const track = await findPlayableTrackCached(request.db, id);
  if (track?.status !== "published" || !track.published) throw notFound("Song");
  return track;
}

async function leasesOf(c: Context<GatewayEnv>): Promise<{ playback: PlaybackServices; leases: NonNullable<PlaybackServices["leases"]> }> {
  const playback = await playbackServices(c);
  if (!playback.leases) throw new AppError("SERVICE_UNAVAILABLE", "Streaming is not configured on this server (no session store).");
  return { playback, leases: playback.leases };
}

/** Free listeners get standard; premium get high unless `maxBitRate` asks for less than it. */
export function renditionFor(track: PlayableTrack, premium: boolean, maxBitRate: number | undefined): PlayableRendition {
  const high = track.renditions.find((rendition) => rendition.quality === "high");
  const wanted: StreamQuality | undefined = !premium ? "standard" : maxBitRate && high && maxBitRate < high.bitrate_kbps ? "standard" : undefined;
  try {
    return chooseRendition(track, wanted, premium);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw new SubsonicError(errorCodes.notFound, "The song has no playable file yet.");
    throw error;
  }
}

/** The object's bytes with Range: R2 through the media endpoint's code, S3 through a presigned GET. */
async function objectResponse(
  c: Context<GatewayEnv>,
  playback: PlaybackServices,
  userId: string,
  objectKey: string,
  leaseId: string | null,
): Promise<Response> {
  if (playback.bucket) return serveMediaObject(c, playback.bucket, objectKey);
  const { url } = await playback.mediaUrls.issue({ origin: new URL(c.req.url).origin, userId, objectKey, leaseId, expiresInSeconds: 60 });
  const forwarded = new Headers();
  for (const name of ["range", "if-range", "if-none-match"]) {
    const value = c.req.header(name);
    if (value) forwarded.set(name, value);
  }
  const upstream = await fetch(url, { headers: forwarded });
  if (upstream.status === 404) throw new AppError("NOT_FOUND", "The media object does not exist.");
  if (upstream.status >= 500) throw new AppError("BAD_GATEWAY", "The media store failed.");
  const headers = new Headers({ "cache-control": "private, no-cache", "x-content-type-options": "nosniff", "accept-ranges": "bytes" });
  for (const name of ["content-type", "content-length", "content-range", "etag", "last-modified"]) {
    const value = upstream.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(upstream.body, { status: upstream.status, headers });
}

export const stream: SubsonicHandler = async (request) => {
  const { c, account, params } = request;
  const id = idParam(params, "id", "Song");
  const track = await playableTrack(request, id);
  const rendition = renditionFor(track, account.isPremium, params.optionalInt("maxBitRate"));
  const { playback, leases } = await leasesOf(c);
  // A HEAD (players probe length and type) plays nothing: no play, no lease taken from another device.
  if (c.req.method === "HEAD") return withContentType(await objectResponse(c, playback, account.userId, rendition.object_key, null), rendition.codec);
  const store = leases.forUser(account.userId);
  // A later part of a play (Range past the start) is served while this device holds the stream;
  // asking for the start again (play pressed) takes the stream back, as GET /stream does.
  // No database on this path: the device's lease comes from the edge memo (../now-playing.ts).
  const range = c.req.header("range")?.trim();
  if (range !== undefined && !/^bytes=0-/i.test(range)) {
    const leaseId = await heldLease(account, id, store);
    if (leaseId === false) {
      throw new SubsonicError(
        errorCodes.generic,
        "This account started playing on another device; only one device streams at a time. Start playback here again to take it back.",
      );
    }
    if (leaseId) return withContentType(await objectResponse(c, playback, account.userId, rendition.object_key, leaseId), rendition.codec);
  }
  const start = async (playId: string) =>
    store.startStream({
      events: await playEventContext(account.userId, playId, c.get("traceparent")),
      sessionId: account.credentialId,
      playId,
      trackId: id,
      quality: rendition.quality,
      premium: account.isPremium,
      durationMs: track.duration_ms,
    });
  const now = Date.now();
  let started = await start(await playIdOf(account, id, now));
  // The hour's play of this track is at another quality (maxBitRate changed): a play of its own.
  if (!started.ok) started = await start(await playIdOf(account, id, now, rendition.quality));
  if (!started.ok) throw new SubsonicError(errorCodes.generic, "This play could not be started; try again.");
  // Per start of a play, not per Range request: getNowPlaying, and the lease later parts are checked against.
  await setNowPlaying(account.userId, account.credentialId, {
    trackId: id,
    client: params.get("c") ?? "",
    leaseId: started.leaseId,
    durationMs: track.duration_ms,
    restart: started.created,
  });
  return withContentType(await objectResponse(c, playback, account.userId, rendition.object_key, started.leaseId), rendition.codec);
};

/**
 * The lease this device holds for its play of `trackId`: the id when it still
 * holds the account's stream, false when another device took it, null when the
 * device is not known to play this track here (the request starts a play).
 * The isolate's memo is a hint: it is re-read from the edge cache before a
 * device is refused or taken for a new play.
 */
async function heldLease(account: SubsonicAccount, trackId: string, store: StreamLeaseStore): Promise<string | false | null> {
  const hint = await devicePlay(account.userId, account.credentialId);
  const hinted = hint?.trackId === trackId && hint.leaseId ? hint.leaseId : null;
  if (hinted && (await store.isStreamLeaseActive(hinted))) return hinted;
  const fresh = await devicePlay(account.userId, account.credentialId, { fresh: true });
  const leaseId = fresh?.trackId === trackId && fresh.leaseId ? fresh.leaseId : null;
  if (!leaseId) return null;
  if (leaseId === hinted) return false;
  return (await store.isStreamLeaseActive(leaseId)) ? leaseId : false;
}

/** The codec's content type: objects may be stored with a generic one. */
function withContentType(response: Response, codec: string): Response {
  const format = formatOfCodec(codec);
  if (format && response.ok) response.headers.set("content-type", format.contentType);
  return response;
}

export const download: SubsonicHandler = async (request) => {
  const { c, account, params } = request;
  if (!account.isPremium) throw new SubsonicError(errorCodes.notAuthorized, "Downloads need a premium subscription.");
  const id = idParam(params, "id", "Song");
  const track = await playableTrack(request, id);
  const rendition = renditionFor(track, true, undefined);
  const playback = await playbackServices(c);
  const response = await objectResponse(c, playback, account.userId, rendition.object_key, null);
  const format = formatOfCodec(rendition.codec);
  if (response.ok) response.headers.set("content-disposition", `attachment; filename="${id}.${format?.suffix ?? "bin"}"`);
  return response;
};

/**
 * submission=false ("now playing") → PlaybackStarted; true (default) →
 * PlaybackFinished at the track's end, starting the play first if it was
 * never streamed here (a song played from the player's offline cache).
 */
export const scrobble: SubsonicHandler = async (request) => {
  const { c, account, params } = request;
  const ids = params.all("id");
  if (ids.length === 0) params.required("id");
  if (ids.length > maxScrobblesPerCall) throw new SubsonicError(errorCodes.generic, `At most ${maxScrobblesPerCall} scrobbles per call.`);
  const times = params.all("time");
  const submission = params.bool("submission", true);
  const now = Date.now();
  const { leases } = await leasesOf(c);
  const store = leases.forUser(account.userId);
  for (const [index, raw] of ids.entries()) {
    const id = /^[0-9a-f-]{36}$/i.test(raw) ? raw.toLowerCase() : "";
    if (!id) throw notFound("Song");
    const track = await playableTrack(request, id);
    const time = Number(times[index]);
    // A time in the future or before the hour's window of plays would name a play that cannot exist.
    const at = Number.isSafeInteger(time) && time > 0 && time <= now ? time : now;
    const playId = await playIdOf(account, id, at);
    const events = await playEventContext(account.userId, playId, c.get("traceparent"));
    if (submission) {
      await endNowPlaying(account.userId, account.credentialId, id);
      const finished = await store.finishPlay(playId, track.duration_ms, events);
      if (finished.ok) continue;
    }
    const rendition = renditionFor(track, account.isPremium, undefined);
    const started = await store.startStream({
      events,
      sessionId: account.credentialId,
      playId,
      trackId: id,
      quality: rendition.quality,
      premium: account.isPremium,
      durationMs: track.duration_ms,
    });
    if (!submission) {
      const leaseId = started.ok ? started.leaseId : null;
      await setNowPlaying(account.userId, account.credentialId, {
        trackId: id,
        client: params.get("c") ?? "",
        leaseId,
        durationMs: track.duration_ms,
        restart: true,
      });
    }
    // Not ok: the hour's play of this track was started at another quality, so it is already recorded.
    if (submission && started.ok) await store.finishPlay(playId, track.duration_ms, events);
  }
  return {};
};

export const getCoverArt: SubsonicHandler = async (request) => {
  const { c, params, account } = request;
  const key = await coverKeyOf(request.db, params.required("id").slice(0, 100));
  if (!key) throw notFound("Cover art");
  const playback = await playbackServices(c);
  const size = snapCoverSize(params.optionalInt("size"));
  const served = size === null ? key : await resizedCover(c, key, size);
  const response = await objectResponse(c, playback, account.userId, served, null);
  if (response.ok) response.headers.set("cache-control", "private, max-age=86400");
  return response;
};

/**
 * The key of the cover's variant for `size`, made and stored on first use;
 * the original's key when there is no bucket to keep it in (S3 mode) or no
 * Images binding, or the original cannot or need not be resized (not an image,
 * too large, already small, the binding failed).
 */
async function resizedCover(c: Context<GatewayEnv>, key: string, size: number): Promise<string> {
  const store = coverStoreOf(c);
  const images = coverImagesOf(c.env);
  if (!store || !images) return key;
  const variant = resizedCoverKey(key, size);
  if (await store.head(variant)) return variant;
  const original = await store.get(key);
  if (!original) return key;
  const resized = await resizeCover(images, new Uint8Array(await original.arrayBuffer()), size);
  if (!resized) return key;
  // Two players asking at once both resize and write the same bytes: harmless, and rarer than a lock would cost.
  await store.put(variant, resized, { httpMetadata: { contentType: "image/jpeg" } });
  return variant;
}

/**
 * What the listener's own devices are playing. Subsonic shows every user's;
 * TUNEC shows only the caller's: listening is private. `playerId` numbers
 * the devices in this answer (the spec wants an integer; credentials are uuids).
 */
export const getNowPlaying: SubsonicHandler = async (request) => {
  const { db, account } = request;
  const rows = await listNowPlaying(account.userId);
  const songs = await songsOf(
    db,
    account.userId,
    await findTracks(
      db,
      rows.map((row) => row.track_id),
    ),
  );
  const byId = new Map(songs.map((song) => [song.id, song]));
  const names = await credentialNames(db, account.userId);
  return {
    nowPlaying: {
      entry: rows.flatMap((row, index) => {
        const song = byId.get(row.track_id);
        if (!song) return [];
        return [
          {
            ...song,
            username: account.email,
            minutesAgo: row.minutes_ago,
            playerId: index + 1,
            playerName: names.get(row.credential_id) ?? (row.client || undefined),
          },
        ];
      }),
    },
  };
};

async function credentialNames(db: SubsonicRequest["db"], userId: string): Promise<Map<string, string>> {
  const [keys, passwords] = await Promise.all([
    db.selectFrom("subsonic.api_keys").select(["id", "name"]).where("user_id", "=", userId).execute(),
    db.selectFrom("subsonic.app_passwords").select(["id", "name"]).where("user_id", "=", userId).execute(),
  ]);
  return new Map([...keys, ...passwords].map((row) => [row.id, row.name]));
}
