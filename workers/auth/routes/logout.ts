import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { clearRefreshCookie, presentedRefreshToken } from "../cookie-transport.ts";
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
    "Answers 204 for unknown tokens too (idempotent). Browsers send `X-Token-Transport: cookie`: the cookie's token is " +
    "revoked and the cookie cleared.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ refresh_token: refreshTokenSchema.optional() }).openapi("LogoutRequest") } },
    },
  },
  responses: {
    204: { description: "Signed out" },
    400: { description: "Malformed request", content: problemContent },
  },
});

export function registerLogout(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(logoutRoute, async function logout(c) {
    const refreshToken = presentedRefreshToken(c, c.req.valid("json").refresh_token);
    if (refreshToken) await revokeByRefreshToken(authServices(c), refreshToken);
    clearRefreshCookie(c);
    return c.body(null, 204);
  });
}
