/**
 * `GET|POST /rest/{method}` and `/rest/{method}.view`: the Subsonic API.
 * Every answer is a `subsonic-response` (XML unless `f=json`/`jsonp`) with
 * HTTP 200, failures included, as Subsonic clients expect; only the binary
 * endpoints answer bytes, and only transport failures (416, 5xx) are not
 * envelopes. Rate limits are this context's (../rate-limit.ts): per client
 * address before authenticating, per device credential after; a refused call
 * is HTTP 429 with Retry-After and an error envelope (code 0), since the
 * OpenSubsonic spec defines no error code for it.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import { isDatabaseTimeout } from "../../../shared/db/timeouts.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { authenticateSubsonic } from "../auth.ts";
import { SubsonicError, errorBody, errorCodes, formatOf, okBody, render, type Format, type SubsonicObject } from "../envelope.ts";
import type { SubsonicHandler } from "../handler.ts";
import {
  getAlbum,
  getArtist,
  getArtists,
  getGenres,
  getIndexes,
  getLicense,
  getMusicDirectory,
  getMusicFolders,
  getSong,
  getUser,
  ping,
  tokenInfo,
} from "../handlers/browsing.ts";
import { createPlaylist, deletePlaylist, getPlaylist, getPlaylists, star, unstar, updatePlaylist } from "../handlers/library.ts";
import { getAlbumList, getAlbumList2, getRandomSongs, getSongsByGenre, getStarred, getStarred2, search2, search3 } from "../handlers/lists.ts";
import { download, getCoverArt, getNowPlaying, scrobble, stream } from "../handlers/media.ts";
import { getAlbumInfo, getAlbumInfo2, getArtistInfo, getArtistInfo2, getSimilarSongs, getSimilarSongs2, getTopSongs } from "../handlers/info.ts";
import { getPlayQueue, savePlayQueue } from "../handlers/queue.ts";
import { SubsonicParams } from "../params.ts";
import { chargeAddress, chargeCredential, SubsonicRateLimited } from "../rate-limit.ts";
import { appPasswordKeyOf } from "../services.ts";

/** What getOpenSubsonicExtensions announces: only what is implemented. */
export const extensions = [
  { name: "apiKeyAuthentication", versions: [1] },
  { name: "formPost", versions: [1] },
  { name: "topSongsByArtistId", versions: [1] },
] as const;

export const handlers: Readonly<Record<string, SubsonicHandler>> = {
  ping,
  getLicense,
  getMusicFolders,
  getIndexes,
  getArtists,
  getArtist,
  getAlbum,
  getSong,
  getGenres,
  getUser,
  getAlbumList2,
  getRandomSongs,
  getSongsByGenre,
  getStarred2,
  search3,
  star,
  unstar,
  getPlaylists,
  getPlaylist,
  createPlaylist,
  updatePlaylist,
  deletePlaylist,
  stream,
  download,
  scrobble,
  getCoverArt,
  getPlayQueue,
  savePlayQueue,
  getTopSongs,
  getSimilarSongs2,
  getArtistInfo2,
  getAlbumInfo2,
  tokenInfo,
  getMusicDirectory,
  getAlbumList,
  getStarred,
  search2,
  getArtistInfo,
  getAlbumInfo,
  getSimilarSongs,
  getNowPlaying,
};

/** Methods of the Subsonic/OpenSubsonic API TUNEC does not implement: they say so, instead of "unknown". */
export const notImplemented = [
  "getVideos",
  "getVideoInfo",
  "search",
  "hls",
  "getCaptions",
  "getLyrics",
  "getLyricsBySongId",
  "getAvatar",
  "setRating",
  "getShares",
  "createShare",
  "updateShare",
  "deleteShare",
  "getPodcasts",
  "getNewestPodcasts",
  "refreshPodcasts",
  "createPodcastChannel",
  "deletePodcastChannel",
  "deletePodcastEpisode",
  "downloadPodcastEpisode",
  "getPodcastEpisode",
  "jukeboxControl",
  "getInternetRadioStations",
  "createInternetRadioStation",
  "updateInternetRadioStation",
  "deleteInternetRadioStation",
  "getChatMessages",
  "addChatMessage",
  "getUsers",
  "createUser",
  "updateUser",
  "deleteUser",
  "changePassword",
  "getBookmarks",
  "createBookmark",
  "deleteBookmark",
  "getPlayQueueByIndex",
  "savePlayQueueByIndex",
  "getScanStatus",
  "startScan",
  "reportPlayback",
  "getTranscodeDecision",
  "getTranscodeStream",
  "getSonicSimilarTracks",
  "findSonicPath",
] as const;

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

const methodPattern = /^[A-Za-z0-9]{1,64}$/;

/** AppErrors of the shared code as Subsonic codes; transport-level ones stay HTTP (thrown on). */
function fromAppError(error: AppError): SubsonicError | undefined {
  switch (error.code) {
    case "NOT_FOUND":
    case "GONE":
      return new SubsonicError(errorCodes.notFound, error.message);
    case "FORBIDDEN":
    case "PREMIUM_REQUIRED":
      return new SubsonicError(errorCodes.notAuthorized, error.message);
    case "BAD_REQUEST":
    case "VALIDATION_FAILED":
    case "CONFLICT":
    case "PLAYLIST_FULL":
    case "STREAM_TAKEN_OVER":
      return new SubsonicError(errorCodes.generic, error.message);
    default:
      return undefined;
  }
}

async function answer(c: Context<GatewayEnv>): Promise<Response> {
  const raw = c.req.param("method") ?? "";
  const method = raw.endsWith(".view") ? raw.slice(0, -5) : raw;
  // The format is read from the query first, so even an unreadable body is answered in the client's format.
  const url = new URL(c.req.url);
  let format: Format = formatOf(url.searchParams.get("f") ?? undefined, url.searchParams.get("callback") ?? undefined);
  let limitHeaders: Record<string, string> = {};
  try {
    limitHeaders = await chargeAddress(c);
    const params = await SubsonicParams.from(c.req.raw);
    format = formatOf(params.get("f"), params.get("callback"));
    if (!methodPattern.test(method)) throw new SubsonicError(errorCodes.generic, "Unknown method.");
    // The spec: the only method that answers without credentials.
    if (method === "getOpenSubsonicExtensions")
      return render(format, okBody({ openSubsonicExtensions: extensions.map((extension) => ({ name: extension.name, versions: [...extension.versions] })) }));
    const db = c.get("services").db;
    const account = await authenticateSubsonic(db, () => appPasswordKeyOf(c), params);
    limitHeaders = await chargeCredential(c, account.credentialId);
    const handler = Object.hasOwn(handlers, method) ? handlers[method] : undefined;
    if (!handler) {
      const known = (notImplemented as readonly string[]).includes(method);
      throw new SubsonicError(errorCodes.generic, known ? `TUNEC does not implement ${method}.` : `Unknown method ${method}.`);
    }
    const result: SubsonicObject | Response = await handler({ c, db, params, account });
    return withHeaders(result instanceof Response ? result : render(format, okBody(result)), limitHeaders);
  } catch (error) {
    if (error instanceof SubsonicRateLimited) {
      const refused = render(format, errorBody(new SubsonicError(errorCodes.generic, error.message)));
      return withHeaders(new Response(refused.body, { status: 429, headers: refused.headers }), error.headers);
    }
    if (error instanceof SubsonicError) return withHeaders(render(format, errorBody(error)), limitHeaders);
    const mapped = error instanceof AppError ? fromAppError(error) : undefined;
    if (mapped) return render(format, errorBody(mapped));
    if (error instanceof AppError || isDatabaseTimeout(error)) throw error;
    c.get("log").error("subsonic request failed", { method, error });
    // Still an envelope (clients show its message), with an honest status.
    const failure = render(format, errorBody(new SubsonicError(errorCodes.generic, "The server could not complete the request; it has been logged.")));
    return new Response(failure.body, { status: 500, headers: failure.headers });
  }
}

/**
 * Browser-based players (web Subsonic clients on their own origin) read /rest
 * cross-origin. Any origin may: credentials travel in the parameters, never
 * in cookies, so a page gains nothing it could not do by itself.
 */
const cors = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "content-length, content-range, accept-ranges, etag",
};

export function registerRest(app: OpenAPIHono<GatewayEnv>): void {
  app.use("/rest/*", async function subsonicCors(c, next) {
    if (c.req.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          "access-control-allow-methods": "GET, HEAD, POST",
          "access-control-allow-headers": "content-type, range",
          "access-control-max-age": "86400",
        },
      });
    }
    await next();
    for (const [name, value] of Object.entries(cors)) c.res.headers.set(name, value);
  });
  app.get("/rest/:method", answer);
  app.post("/rest/:method", answer);
  const params = z.object({
    method: z
      .string()
      .openapi({ param: { name: "method", in: "path" }, description: "A Subsonic method, e.g. `ping` or `ping.view`.", example: "getAlbumList2" }),
  });
  const query = z.object({
    apiKey: z.string().optional().openapi({ description: "An API key from POST /me/api-keys (alone, without u)." }),
    u: z.string().optional().openapi({ description: "The account's email, with an app password from POST /me/app-passwords." }),
    t: z.string().optional().openapi({ description: "md5(app password + s), lower-case hex." }),
    s: z.string().optional().openapi({ description: "A random salt of at least six characters." }),
    p: z.string().optional().openapi({ description: "The app password, plain or `enc:` + hex (prefer t and s, or apiKey)." }),
    v: z.string().optional().openapi({ description: "The client's Subsonic API version (accepted, not checked)." }),
    c: z.string().optional().openapi({ description: "The client's name." }),
    f: z.enum(["xml", "json", "jsonp"]).optional().openapi({ description: "Response format (default xml)." }),
  });
  const responses = {
    200: {
      description: "A `subsonic-response` envelope (status ok or failed, with a Subsonic error code), or media bytes for stream, download and getCoverArt.",
      content: {
        "application/xml": { schema: z.string() },
        "application/json": { schema: z.object({ "subsonic-response": z.record(z.string(), z.unknown()) }) },
      },
    },
    206: { description: "Part of the media (Range) for stream, download and getCoverArt." },
  };
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/rest/{method}",
    tags: ["subsonic"],
    summary: "The Subsonic / OpenSubsonic API (see docs/subsonic.md)",
    request: { params, query },
    responses,
  });
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/rest/{method}",
    tags: ["subsonic"],
    summary: "The Subsonic API with parameters in a form body (OpenSubsonic formPost)",
    request: { params, body: { content: { "application/x-www-form-urlencoded": { schema: query.catchall(z.string()) } } } },
    responses,
  });
}
