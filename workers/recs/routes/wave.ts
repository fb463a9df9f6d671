import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import { recordFeedback } from "../domain/feedback.ts";
import { nextWave, recordServed } from "../domain/wave.ts";
import { callerId } from "../../platform/edge/authenticate.ts";
import { authProblems, pageLimit, problemContent, recommendedTrackSchema, withTracks } from "../schemas.ts";

const common = { tags: ["recommendations"], security: [{ bearerAuth: [] }], middleware: requireAuth() };

const waveRoute = createRoute({
  ...common,
  method: "get",
  path: "/me/wave",
  summary: "The next tracks of the listener's wave",
  description:
    "Re-ranked on every call from the recent listening profile and this session's feedback; a track is served at most once per session (a session ends after 30 idle minutes). About a fifth of the tracks explore outside the listener's genres. Disliked, taken-down and (when the taste says so) explicit tracks never appear.",
  request: { query: z.object({ limit: pageLimit(50, 10) }) },
  responses: {
    200: { description: "The next tracks, each with why", content: { "application/json": { schema: z.object({ tracks: z.array(recommendedTrackSchema) }) } } },
    400: { description: "Bad limit", content: problemContent },
    ...authProblems,
  },
});

const feedbackRoute = createRoute({
  ...common,
  method: "post",
  path: "/me/wave/feedback",
  summary: "React to a wave track: like, dislike (hides it everywhere) or skip",
  description: "Idempotent per session and track: repeating the same action changes nothing and counts once.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ track_id: z.uuid({ error: "expected a track id (uuid)" }), action: z.enum(["like", "dislike", "skip"]) }).strict(),
        },
      },
    },
  },
  responses: {
    204: { description: "Recorded (also when it already was)" },
    400: { description: "Bad track id or action", content: problemContent },
    404: { description: "No such published track", content: problemContent },
    ...authProblems,
  },
});

export function registerWaveRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(waveRoute, async function wave(c) {
    const { limit } = c.req.valid("query");
    const { ranked, served, sessionId } = await nextWave(c.get("services").db, callerId(c), limit);
    c.header("cache-control", "no-store");
    c.header("vary", "accept-language");
    // Second and last round trip: the page's records, with the served rows written in the same statement.
    return c.json({ tracks: await withTracks(c, ranked, served.length > 0 ? recordServed(sessionId, served) : undefined) }, 200);
  });
  app.openapi(feedbackRoute, async function waveFeedback(c) {
    const body = c.req.valid("json");
    const userId = callerId(c);
    const outcome = await recordFeedback(c.get("services").db, userId, body.track_id, body.action);
    if (outcome === "no_track") throw new AppError("NOT_FOUND", `No published track has the id ${body.track_id}.`);
    c.get("log").info("wave feedback", { action: body.action, track_id: body.track_id, outcome });
    return c.body(null, 204);
  });
}
