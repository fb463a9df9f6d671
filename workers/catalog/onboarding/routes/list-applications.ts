import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import { decodeCursor, encodeCursor } from "../../cursor.ts";
import { cursorSchema, limitSchema, problemContent } from "../../schemas.ts";
import { listApplications } from "../applications.ts";
import { applicationSchema, applicationStatuses, applicationView } from "../schemas.ts";

const positionSchema = z.object({ at: z.iso.datetime({ offset: true }), id: z.uuid() });

export const listApplicationsRoute = createRoute({
  method: "get",
  path: "/admin/artist-applications",
  tags: ["admin"],
  summary: "Artist applications, newest first",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      status: z.enum(applicationStatuses, { error: "expected pending, approved or rejected" }).optional(),
      limit: limitSchema,
      cursor: cursorSchema,
    }),
  },
  responses: {
    200: {
      description: "A page of applications",
      content: {
        "application/json": {
          schema: z.object({ applications: z.array(applicationSchema), next_cursor: z.string().nullable() }).openapi("ArtistApplicationPage"),
        },
      },
    },
    400: { description: "Invalid query or cursor", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

export function registerListApplications(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listApplicationsRoute, async function listArtistApplications(c) {
    const { status, limit, cursor } = c.req.valid("query");
    const before = cursor ? decodeCursor(cursor, positionSchema) : undefined;
    const applications = await listApplications(c.get("services").db, { status, limit: limit + 1, before: before && { createdAt: before.at, id: before.id } });
    const page = applications.slice(0, limit);
    const last = page[page.length - 1];
    c.header("cache-control", "no-store");
    return c.json(
      { applications: page.map(applicationView), next_cursor: applications.length > limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null },
      200,
    );
  });
}
