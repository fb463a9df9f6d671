import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requireAuth } from "../../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../../platform/edge/context.ts";
import { callerId } from "../../../platform/edge/authenticate.ts";
import { bearerSecurity } from "../../../auth/schemas.ts";
import { problemContent } from "../../schemas.ts";
import { submitApplication } from "../applications.ts";
import { applicationInputSchema, applicationSchema, applicationView } from "../schemas.ts";

export const submitApplicationRoute = createRoute({
  method: "post",
  path: "/me/artist-application",
  tags: ["artists"],
  summary: "Apply to become an artist",
  description:
    "A listener asks for an artist profile (or claims an existing one). An admin approves or rejects it; approval " +
    "grants the `artist` role, which reaches the caller's tokens at the next refresh. One open application at a time.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { body: { required: true, content: { "application/json": { schema: applicationInputSchema } } } },
  responses: {
    201: { description: "Submitted", content: { "application/json": { schema: applicationSchema } } },
    400: { description: "Invalid input", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    409: { description: "An application is already waiting for a decision", content: problemContent },
  },
});

export function registerSubmitApplication(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(submitApplicationRoute, async function submitArtistApplication(c) {
    const body = c.req.valid("json");
    const application = await submitApplication(c.get("services").db, {
      userId: callerId(c),
      artistName: body.artist_name,
      links: body.links,
      claimArtistId: body.claim_artist_id ?? null,
    });
    c.get("log").info("artist application submitted", { application_id: application.id });
    return c.json(applicationView(application), 201);
  });
}
