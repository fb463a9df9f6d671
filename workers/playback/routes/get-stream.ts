import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { playEventContext } from "../play-ids.ts";
import { findPlayableTrackCached } from "../repository.ts";
import { chooseRendition } from "../renditions.ts";
import { bearerSecurity, problemContent, streamQuery, streamSchema, trackIdParam } from "../schemas.ts";
import { playbackServices } from "../services.ts";

export const getStreamRoute = createRoute({
  method: "get",
  path: "/stream/{id}",
  tags: ["playback"],
  summary: "Start playing a track: a signed media URL",
  description:
    "Checks entitlement (free listeners: standard quality; premium: high), takes the account's one stream for this device (another device playing is cut off), records PlaybackStarted once per play id, and returns a short-lived media URL bound to the listener, the rendition and this device's stream.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { params: trackIdParam, query: streamQuery },
  responses: {
    200: { description: "The media URL and what it plays", content: { "application/json": { schema: streamSchema } } },
    400: { description: "Malformed id, quality or play id", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "High quality asked by a listener without premium (premium-required)", content: problemContent },
    404: { description: "No published track has this id, or it has no such rendition", content: problemContent },
    409: { description: "The play id was already used for another track or quality", content: problemContent },
    410: { description: "The track was taken down", content: problemContent },
  },
});

export function registerGetStream(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getStreamRoute, async function getStream(c) {
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const principal = principalOf(c);
    const playback = await playbackServices(c);
    if (!playback.leases) throw new AppError("SERVICE_UNAVAILABLE", "Streaming is not configured on this server (no session store).");

    const playId = query.play_id ?? crypto.randomUUID();
    const [track, events] = await Promise.all([
      findPlayableTrackCached(() => c.get("services").db, id, {
        waitUntil: backgroundOf(c),
        detachedDb: c.get("services").detachedDb,
      }),
      playEventContext(principal.userId, playId, c.get("traceparent")),
    ]);
    if (track?.status === "taken_down") throw new AppError("GONE", `The track ${id} was taken down.`);
    if (!track || track.status !== "published" || !track.published) throw new AppError("NOT_FOUND", `No published track has the id ${id}.`);
    const rendition = chooseRendition(track, query.quality, principal.isPremium);

    // The play, the lease and PlaybackStarted are stored in one step in the listener's Session DO,
    // which relays the event to events.outbox (no database write on this path).
    const started = await playback.leases.forUser(principal.userId).startStream({
      events,
      sessionId: principal.sessionId,
      playId,
      trackId: id,
      quality: rendition.quality,
      premium: principal.isPremium,
      durationMs: track.duration_ms,
    });
    if (!started.ok) throw new AppError("CONFLICT", "This play id was already used for another track or quality; start a new play with a new id.");
    const { play, leaseId } = started;
    if (started.takenOverFrom)
      c.get("log").info("stream taken over", { user_id: principal.userId, from_session: started.takenOverFrom, to_session: principal.sessionId });

    const { url, expiresAt } = await playback.mediaUrls.issue({
      origin: new URL(c.req.url).origin,
      userId: principal.userId,
      objectKey: rendition.object_key,
      leaseId,
    });
    c.header("cache-control", "no-store");
    return c.json(
      {
        play_id: play.playId,
        track_id: id,
        quality: rendition.quality,
        url,
        expires_at: expiresAt.toISOString(),
        codec: rendition.codec,
        bitrate_kbps: rendition.bitrate_kbps,
        size_bytes: Number(rendition.size_bytes),
        duration_ms: track.duration_ms,
        loudness_lufs: Number(rendition.loudness_lufs),
        taken_over: started.takenOverFrom !== null,
      },
      200,
    );
  });
}

/** The Worker's `waitUntil`; undefined where the runtime has no execution context (Deno, Node). */
function backgroundOf(c: Context<GatewayEnv>): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const context = c.executionCtx;
    return (promise) => context.waitUntil(promise);
  } catch {
    return undefined;
  }
}
