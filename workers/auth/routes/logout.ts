import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../gateway/context.ts";
import { problemContent, refreshTokenSchema } from "../schemas.ts";
import { revokeByRefreshToken } from "../sessions.ts";
import { authServices } from "./services.ts";

export const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["auth"],
  summary: "Sign out this device",
  description:
    "Revokes the session the refresh token belongs to, at once: its refresh tokens stop working; access tokens " +
    "already issued lapse within their 10 minutes. Needs no access token, so a client can sign out after it expired. " +
    "Answers 204 for unknown tokens too (idempotent).",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ refresh_token: refreshTokenSchema }).openapi("LogoutRequest") } },
    },
  },
  responses: {
    204: { description: "Signed out" },
    400: { description: "Malformed request", content: problemContent },
  },
});

export function registerLogout(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(logoutRoute, async function logout(c) {
    const { refresh_token } = c.req.valid("json");
    await revokeByRefreshToken(authServices(c), refresh_token);
    return c.body(null, 204);
  });
}
