import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireRole } from "../../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import { idParam, problemContent } from "../../schemas.ts";
import { approveApplication, rejectApplication } from "../applications.ts";
import { applicationSchema, applicationView, auditActor } from "../schemas.ts";

const decisionResponses = {
  200: { description: "Decided", content: { "application/json": { schema: applicationSchema } } },
  400: { description: "Invalid id or body", content: problemContent },
  401: { description: "Missing or invalid access token", content: problemContent },
  403: { description: "Not an admin", content: problemContent },
  404: { description: "No such application", content: problemContent },
  409: { description: "Already decided", content: problemContent },
} as const;

export const approveApplicationRoute = createRoute({
  method: "post",
  path: "/admin/artist-applications/{id}/approve",
  tags: ["admin"],
  summary: "Approve an artist application",
  description:
    "Creates the artist profile (or links the claimed one), makes the applicant its manager and grants the `artist` " +
    "role, in one transaction with its audit entry. Approving twice, even concurrently, makes one profile.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { params: idParam("application") },
  responses: decisionResponses,
});

export const rejectApplicationRoute = createRoute({
  method: "post",
  path: "/admin/artist-applications/{id}/reject",
  tags: ["admin"],
  summary: "Reject an artist application with a reason the applicant sees",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam("application"),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ reason: z.string().trim().min(1, "must not be empty").max(2000, "at most 2000 characters") })
            .openapi("ArtistApplicationRejection"),
        },
      },
    },
  },
  responses: decisionResponses,
});

export function registerDecideApplication(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(approveApplicationRoute, async function approveArtistApplication(c) {
    const decided = await approveApplication(c.get("services").db, {
      id: c.req.valid("param").id,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artist application approved", { application_id: decided.id, artist_id: decided.artistId });
    return c.json(applicationView(decided), 200);
  });
  app.openapi(rejectApplicationRoute, async function rejectArtistApplication(c) {
    const decided = await rejectApplication(c.get("services").db, {
      id: c.req.valid("param").id,
      reason: c.req.valid("json").reason,
      actor: auditActor(c),
      requestId: c.get("requestId"),
      traceparent: c.get("traceparent"),
    });
    c.get("log").info("artist application rejected", { application_id: decided.id });
    return c.json(applicationView(decided), 200);
  });
}
