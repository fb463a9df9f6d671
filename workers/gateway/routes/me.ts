import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requireAuth } from "../../platform/edge/authenticate.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";

const meSchema = z
  .object({
    user_id: z.uuid(),
    roles: z.array(z.enum(["listener", "artist", "editor", "admin"])),
    is_premium: z.boolean(),
    session_id: z.uuid(),
  })
  .openapi("Me");

const route = createRoute({
  method: "get",
  path: "/me",
  tags: ["auth"],
  summary: "Who the access token says the caller is",
  description:
    "The verified claims of the access token, checked locally (no call to auth or the database). Claims are as fresh as the token: a revoked session keeps them until the token expires.",
  security: [{ bearerAuth: [] }],
  middleware: [requireAuth()] as const,
  responses: {
    200: { description: "The caller's claims", content: { "application/json": { schema: meSchema } } },
    401: {
      description: "Missing, invalid or expired access token",
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    },
  },
});

export function registerMe(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, function me(c) {
    const principal = c.get("principal");
    // requireAuth() ran; a missing principal is a wiring bug, not a client error.
    if (!principal) throw new Error("GET /me needs requireAuth() before it");
    c.header("cache-control", "no-store");
    return c.json({ user_id: principal.userId, roles: principal.roles, is_premium: principal.isPremium, session_id: principal.sessionId }, 200);
  });
}
