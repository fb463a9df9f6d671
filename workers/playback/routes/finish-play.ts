import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { isCompleted } from "../events.ts";
import { playEventContext } from "../play-ids.ts";
import { bearerSecurity, finishBody, finishedSchema, playIdParam, problemContent } from "../schemas.ts";
import { playbackServices } from "../services.ts";

export const finishPlayRoute = createRoute({
  method: "post",
  path: "/plays/{id}/finish",
  tags: ["playback"],
  summary: "Report the end of a play",
  description:
    "Records PlaybackFinished once per play with the position reached (clamped to the track's length). Repeating the call changes nothing and answers the first report. Plays can be finished for 24 hours after they start.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { params: playIdParam, body: { required: true, content: { "application/json": { schema: finishBody } } } },
  responses: {
    200: { description: "The play as finished", content: { "application/json": { schema: finishedSchema } } },
    400: { description: "Malformed id or body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    404: { description: "No recent play of this account has this id", content: problemContent },
  },
});

export function registerFinishPlay(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(finishPlayRoute, async function finishPlay(c) {
    const { id } = c.req.valid("param");
    const { position_ms } = c.req.valid("json");
    const principal = principalOf(c);
    const playback = await playbackServices(c);
    if (!playback.leases) throw new AppError("SERVICE_UNAVAILABLE", "Streaming is not configured on this server (no session store).");
    const store = playback.leases.forUser(principal.userId);
    // The DO clamps the position to the track and queues PlaybackFinished with the first report.
    const finished = await store.finishPlay(id, position_ms, await playEventContext(principal.userId, id, c.get("traceparent")));
    if (!finished.ok) throw new AppError("NOT_FOUND", `No recent play of this account has the id ${id}.`);
    const { play } = finished;
    const positionMs = play.positionMs ?? 0;
    return c.json(
      {
        play_id: play.playId,
        track_id: play.trackId,
        position_ms: positionMs,
        completed: isCompleted(positionMs, play.durationMs),
        finished_at: new Date(play.finishedAt ?? Date.now()).toISOString(),
      },
      200,
    );
  });
}
