import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth/schemas.ts";
import { cursorSchema, limitSchema, problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole } from "../../platform/edge/authenticate.ts";
import { nextCursor, readPosition } from "../keyset.ts";
import { listUploads, uploadView } from "../uploads.ts";

const uploadStates = ["awaiting_upload", "uploaded", "validated", "published", "rejected"] as const;
const time = z.iso.datetime({ offset: true });

const uploadSchema = z
  .object({
    id: z.uuid(),
    track_id: z.uuid(),
    user_id: z.uuid().openapi({ description: "The uploading account." }),
    artist_id: z.uuid(),
    title: z.string(),
    state: z.enum(uploadStates),
    filename: z.string().nullable(),
    declared_content_type: z.string(),
    declared_size_bytes: z.number().int(),
    size_bytes: z.number().int().nullable().openapi({ description: "What validation measured; null before it." }),
    detected_format: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    attempts: z.number().int().openapi({ description: "Attempts of the origin worker in the current state." }),
    last_error: z.string().nullable().openapi({ description: "The origin worker's last error in the current state (a retry may follow)." }),
    rejection: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .openapi({ description: "Why the upload was refused; set exactly when state is rejected." }),
    created_at: time,
    updated_at: time,
    uploaded_at: time.nullable(),
    validated_at: time.nullable(),
    published_at: time.nullable(),
    rejected_at: time.nullable(),
  })
  .openapi("AdminUpload");

export const listUploadsRoute = createRoute({
  method: "get",
  path: "/admin/uploads",
  tags: ["admin"],
  summary: "Artists' uploads, newest first, with rejection reasons",
  description: "Filters combine: `state` (e.g. rejected) and `artist_id`. Keyset pages: `cursor` = the previous page's `next_cursor`.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      state: z.enum(uploadStates, { error: `expected one of ${uploadStates.join(", ")}` }).optional(),
      artist_id: z.uuid({ error: "expected an artist id (uuid)" }).optional(),
      cursor: cursorSchema,
      limit: limitSchema,
    }),
  },
  responses: {
    200: {
      description: "A page of uploads",
      content: { "application/json": { schema: z.object({ uploads: z.array(uploadSchema), next_cursor: z.string().nullable() }).openapi("AdminUploadPage") } },
    },
    400: { description: "Invalid filter or cursor", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

export function registerListUploads(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listUploadsRoute, async function listAdminUploads(c) {
    const query = c.req.valid("query");
    const rows = await listUploads(c.get("services").db, {
      state: query.state,
      artistId: query.artist_id,
      before: readPosition(query.cursor),
      limit: query.limit + 1,
    });
    c.header("cache-control", "no-store");
    return c.json(
      { uploads: rows.slice(0, query.limit).map(uploadView), next_cursor: nextCursor(rows, query.limit, (row) => ({ at: row.created_at_exact, id: row.id })) },
      200,
    );
  });
}
