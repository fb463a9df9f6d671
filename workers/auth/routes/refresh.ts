import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../gateway/context.ts";
import { problemContent, refreshTokenSchema, tokenResponseSchema } from "../schemas.ts";
import { clientInfo, refreshSession } from "../sessions.ts";
import { authServices } from "./services.ts";

export const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags: ["auth"],
  summary: "Exchange a refresh token for new tokens",
  description:
    "Rotates the refresh token: the one presented is spent, a new one comes back with a new access token carrying " +
    "the account's current roles and premium flag. Presenting a spent refresh token revokes that whole session.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ refresh_token: refreshTokenSchema }).openapi("RefreshRequest") } },
    },
  },
  responses: {
    200: { description: "New tokens", content: { "application/json": { schema: tokenResponseSchema } } },
    400: { description: "Malformed request", content: problemContent },
    401: { description: "Invalid, spent, expired or revoked refresh token", content: problemContent },
  },
});

export function registerRefresh(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(refreshRoute, async function refresh(c) {
    const { refresh_token } = c.req.valid("json");
    const tokens = await refreshSession(authServices(c), c.get("services").db, refresh_token, clientInfo(c.req.raw), c.get("log"));
    c.header("cache-control", "no-store");
    return c.json(tokens, 200);
  });
}
