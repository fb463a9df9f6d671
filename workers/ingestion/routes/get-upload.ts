import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent, uploadIdParam, uploadStatusSchema } from "../schemas.ts";
import { findUpload, isTrackStored, uploadView } from "../domain/uploads.ts";

export const getUploadRoute = createRoute({
  method: "get",
  path: "/uploads/{id}",
  tags: ["ingestion"],
  summary: "An upload's status",
  description:
    "The uploading artist (or an admin): awaiting_upload → uploaded → validated → publishing → published (GET /tracks/{track_id} answers from then on), or rejected with a reason to act on.",
  security: bearerSecurity,
  middleware: [requireRole("artist", "admin")] as const,
  request: { params: uploadIdParam },
  responses: {
    200: { description: "The upload", content: { "application/json": { schema: uploadStatusSchema } } },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Another artist's upload", content: problemContent },
    404: { description: "No such upload", content: problemContent },
  },
});

export function registerGetUpload(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getUploadRoute, async function getUpload(c) {
    const { db } = c.get("services");
    const upload = await findUpload(db, c.req.valid("param").id);
    if (!upload) throw new AppError("NOT_FOUND", "No upload has this id.");
    const principal = principalOf(c);
    if (upload.user_id !== principal.userId && !principal.roles.includes("admin")) throw new AppError("FORBIDDEN", "This upload belongs to another artist.");
    c.header("cache-control", "no-store");
    return c.json(uploadView(upload, await isTrackStored(db, upload)), 200);
  });
}
