import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../../auth/schemas.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import { auditActor } from "../../onboarding/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { curatedTrackSchema, curatedTrackView, curationRoles, trackEditSchema } from "../schemas.ts";
import { editTrack } from "../tracks.ts";

export const editTrackRoute = createRoute({
  method: "patch",
  path: "/admin/tracks/{id}",
  tags: ["curation"],
  summary: "Correct a track's metadata",
  description:
    "Admins and editors. Changes title, explicit, genres, language or ISRC, with an audit entry (before and after). " +
    "The change reaches search through CDC (TrackUpdated) within the freshness target; an edit that changes nothing writes nothing.",
  security: bearerSecurity,
  middleware: [requireRole(...curationRoles)] as const,
  request: { params: idParam("track"), body: { required: true, content: { "application/json": { schema: trackEditSchema } } } },
  responses: {
    200: { description: "The track now", content: { "application/json": { schema: curatedTrackSchema } } },
    400: { description: "Invalid id or body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Neither admin nor editor", content: problemContent },
    404: { description: "No such track", content: problemContent },
  },
});

export function registerEditTrack(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(editTrackRoute, async function editCatalogTrack(c) {
    const track = await editTrack(c.get("services").db, {
      id: c.req.valid("param").id,
      edit: c.req.valid("json"),
      actor: auditActor(c),
      requestId: c.get("requestId"),
    });
    c.get("log").info("track edited", { track_id: track.id });
    return c.json(curatedTrackView(track), 200);
  });
}
