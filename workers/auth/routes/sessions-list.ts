import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { invalidToken, requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

const sessionSchema = z
  .object({
    id: z.uuid(),
    device: z.string().nullable().openapi({ description: "From X-Device-Name at sign-in", example: "Pixel 8" }),
    user_agent: z.string().nullable(),
    ip: z.string().nullable().openapi({ description: "Of the last sign-in or refresh" }),
    created_at: z.string().openapi({ format: "date-time" }),
    last_used_at: z.string().openapi({ format: "date-time" }),
    expires_at: z.string().openapi({ format: "date-time" }),
    current: z.boolean().openapi({ description: "The session of the access token making this request" }),
  })
  .openapi("Session");

export const listSessionsRoute = createRoute({
  method: "get",
  path: "/auth/sessions",
  tags: ["auth"],
  summary: "List the signed-in devices",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  responses: {
    200: {
      description: "Live sessions, most recently used first",
      content: { "application/json": { schema: z.object({ sessions: z.array(sessionSchema) }) } },
    },
    401: { description: "Missing, invalid or revoked access token", content: problemContent },
  },
});

export function registerListSessions(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listSessionsRoute, async function listSessions(c) {
    const principal = principalOf(c);
    const sessions = await authServices(c).sessions.forUser(principal.userId).list();
    // This route asks the Session DO anyway, so a token of a revoked session is refused here at no extra cost.
    if (!sessions.some((session) => session.id === principal.sessionId)) throw invalidToken();
    c.header("cache-control", "no-store");
    return c.json(
      {
        sessions: sessions.map((session) => ({
          id: session.id,
          device: session.device,
          user_agent: session.userAgent,
          ip: session.ip,
          created_at: session.createdAt,
          last_used_at: session.lastUsedAt,
          expires_at: session.expiresAt,
          current: session.id === principal.sessionId,
        })),
      },
      200,
    );
  });
}
