import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listAudit } from "../../../shared/audit/audit-log.ts";
import { bearerSecurity } from "../../auth/schemas.ts";
import { problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole } from "../../platform/edge/authenticate.ts";

const entrySchema = z
  .object({
    id: z.string(),
    at: z.string(),
    actor_id: z.uuid().nullable().openapi({ description: "The acting account; null for the admin bootstrap CLI." }),
    actor_roles: z.array(z.string()),
    action: z.string().openapi({ example: "artist_application.approve" }),
    target_type: z.string(),
    target_id: z.string(),
    before: z.unknown().openapi({ description: "The state before the change (JSON), when it had one." }),
    after: z.unknown(),
    reason: z.string().nullable(),
    request_id: z.string().nullable(),
  })
  .openapi("AuditEntry");

export const listAuditRoute = createRoute({
  method: "get",
  path: "/admin/audit",
  tags: ["admin"],
  summary: "The audit log of admin and editor actions, newest first",
  description: "Every role change, artist decision and curation action, with who, when, what, before and after. Filters combine.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      actor_id: z.uuid({ error: "expected an account id (uuid)" }).optional(),
      action: z
        .string()
        .regex(/^[a-z][a-z0-9_.-]{0,79}$/, "expected an action such as track.update")
        .optional(),
      target_type: z.string().min(1).max(40).optional(),
      target_id: z.string().min(1).max(200).optional(),
      since: z.iso.datetime({ offset: true, error: "expected an ISO 8601 time" }).optional(),
      until: z.iso.datetime({ offset: true, error: "expected an ISO 8601 time" }).optional(),
      limit: z.coerce.number({ error: "expected 1 to 200" }).int().min(1, "expected 1 to 200").max(200, "expected 1 to 200").default(50),
      before: z
        .string()
        .regex(/^[1-9][0-9]{0,18}$/, "expected the next_before of a previous page")
        .optional(),
    }),
  },
  responses: {
    200: {
      description: "A page of entries",
      content: { "application/json": { schema: z.object({ entries: z.array(entrySchema), next_before: z.string().nullable() }).openapi("AuditPage") } },
    },
    400: { description: "Invalid filter", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

export function registerListAudit(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listAuditRoute, async function listAuditEntries(c) {
    const query = c.req.valid("query");
    const page = await listAudit(c.get("services").db, {
      actorId: query.actor_id,
      action: query.action,
      targetType: query.target_type,
      targetId: query.target_id,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      before: query.before,
      limit: query.limit,
    });
    c.header("cache-control", "no-store");
    return c.json(
      {
        entries: page.entries.map((entry) => ({
          id: entry.id,
          at: entry.at,
          actor_id: entry.actorId,
          actor_roles: entry.actorRoles,
          action: entry.action,
          target_type: entry.targetType,
          target_id: entry.targetId,
          before: entry.before,
          after: entry.after,
          reason: entry.reason,
          request_id: entry.requestId,
        })),
        next_before: page.nextBefore,
      },
      200,
    );
  });
}
