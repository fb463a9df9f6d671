import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { auditActor } from "../../onboarding/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { curatedTrackSchema, curatedTrackView, curationRoles } from "../schemas.ts";
import { setTrackAvailability } from "../tracks.ts";

const responses = {
  200: { description: "The track now (repeating the action changes nothing)", content: { "application/json": { schema: curatedTrackSchema } } },
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "Neither admin nor editor", content: problemContent },
  404: { description: "No such track", content: problemContent },
  409: { description: "A draft track cannot be taken down or restored", content: problemContent },
} as const;

export const takedownTrackRoute = createRoute({
  method: "post",
  path: "/admin/tracks/{id}/takedown",
  tags: ["curation"],
  summary: "Take a published track down",
  description: "Listeners get 410 from GET /tracks/{id} and GET /stream/{id}; search drops it through CDC. Audited with the reason.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: {
    params: idParam("track"),
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ reason: z.string().trim().min(1, "must not be empty").max(2000) }).openapi("Takedown") } },
    },
  },
  responses,
});

export const restoreTrackRoute = createRoute({
  method: "post",
  path: "/admin/tracks/{id}/restore",
  tags: ["curation"],
  summary: "Restore a taken-down track",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { params: idParam("track") },
  responses,
});

export function registerTrackAvailability(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(takedownTrackRoute, async function takeTrackDown(c) {
    const track = await setTrackAvailability(c.get("services").db, {
      id: c.req.valid("param").id,
      available: false,
      reason: c.req.valid("json").reason,
      actor: auditActor(c),
      requestId: c.get("requestId"),
    });
    c.get("log").info("track taken down", { track_id: track.id });
    return c.json(curatedTrackView(track), 200);
  });
  app.openapi(restoreTrackRoute, async function restoreTrack(c) {
    const track = await setTrackAvailability(c.get("services").db, {
      id: c.req.valid("param").id,
      available: true,
      reason: null,
      actor: auditActor(c),
      requestId: c.get("requestId"),
    });
    c.get("log").info("track restored", { track_id: track.id });
    return c.json(curatedTrackView(track), 200);
  });
}
