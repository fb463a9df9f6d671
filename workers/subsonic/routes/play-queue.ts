/**
 * `GET|PUT /me/play-queue`: the queue Subsonic players save with
 * savePlayQueue, on the JSON API too, so the web app and Subsonic players
 * hand the listener's queue and position to each other.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { authProblems, problemContent } from "../../users/schemas.ts";
import { findPlayQueue, maxPositionMs, maxQueuedTracks, savePlayQueue } from "../play-queue.ts";

const queueSchema = z
  .object({
    track_ids: z
      .array(z.uuid())
      .max(maxQueuedTracks)
      .openapi({ description: `Up to ${maxQueuedTracks} tracks in play order; tracks taken down since stay listed.` }),
    current: z.uuid().nullable().openapi({ description: "The track playing; one of track_ids." }),
    position_ms: z.number().int().min(0).max(maxPositionMs),
    changed_by: z.string().openapi({ description: "The client that saved it (Subsonic `c`, or `web`)." }),
    changed_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("PlayQueue");

const putBody = z
  .object({
    track_ids: z.array(z.uuid()).max(maxQueuedTracks, `expected at most ${maxQueuedTracks} tracks`),
    current: z.uuid().nullable().default(null),
    position_ms: z.number().int().min(0).max(maxPositionMs).default(0),
  })
  .strict()
  .refine((body) => body.track_ids.length === 0 || (body.current !== null && body.track_ids.includes(body.current)), {
    message: "current must be one of track_ids (an empty queue clears it)",
    path: ["current"],
  });

const common = { tags: ["subsonic"], security: [{ bearerAuth: [] }], middleware: requireAuth() };

const getRoute = createRoute({
  ...common,
  method: "get",
  path: "/me/play-queue",
  summary: "The caller's saved play queue",
  responses: {
    200: { description: "The queue and where in it the listener stopped", content: { "application/json": { schema: queueSchema } } },
    ...authProblems,
    404: { description: "No queue saved", content: problemContent },
  },
});

const putRoute = createRoute({
  ...common,
  method: "put",
  path: "/me/play-queue",
  summary: "Save the caller's play queue (an empty one clears it)",
  request: { body: { required: true, content: { "application/json": { schema: putBody } } } },
  responses: { 204: { description: "Saved" }, 400: { description: "Invalid queue", content: problemContent }, ...authProblems },
});

export function registerPlayQueueRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getRoute, async function getPlayQueue(c) {
    const queue = await findPlayQueue(c.get("services").db, principalOf(c).userId);
    if (!queue) throw new AppError("NOT_FOUND", "No play queue saved.");
    c.header("cache-control", "no-store");
    return c.json(queue, 200);
  });
  app.openapi(putRoute, async function putPlayQueue(c) {
    const body = c.req.valid("json");
    await savePlayQueue(c.get("services").db, principalOf(c).userId, {
      trackIds: body.track_ids,
      current: body.current,
      positionMs: body.position_ms,
      changedBy: "web",
    });
    return c.body(null, 204);
  });
}
