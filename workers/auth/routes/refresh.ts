import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { AppError } from "../../../shared/errors.ts";
import { deliverTokens, expiredRefreshCookie, presentedRefreshToken, wantsCookieTransport } from "../cookie-transport.ts";
import { withSetCookie } from "../oauth/flow.ts";
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
    "the account's current roles and premium flag. Presenting a spent refresh token revokes that whole session. " +
    "Browsers send `X-Token-Transport: cookie` and an empty body: the token is read from, and the new one written to, " +
    "the HttpOnly cookie `tunec_refresh`.",
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ refresh_token: refreshTokenSchema.optional() }).openapi("RefreshRequest") } },
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
    const refreshToken = presentedRefreshToken(c, c.req.valid("json").refresh_token);
    c.header("cache-control", "no-store");
    if (!refreshToken && !wantsCookieTransport(c)) {
      throw new AppError("VALIDATION_FAILED", "The refresh token is missing.", {
        errors: [{ field: "body.refresh_token", message: "required (or the cookie with X-Token-Transport: cookie)" }],
      });
    }
    if (!refreshToken) throw new AppError("INVALID_REFRESH_TOKEN", "No refresh cookie: sign in again.");
    try {
      const tokens = await refreshSession(authServices(c), c.get("services").db, refreshToken, clientInfo(c.req.raw), c.get("log"));
      return c.json(deliverTokens(c, tokens), 200);
    } catch (error) {
      // A dead cookie is dropped, so the browser stops sending it.
      if (error instanceof AppError && error.code === "INVALID_REFRESH_TOKEN" && wantsCookieTransport(c)) throw withSetCookie(error, expiredRefreshCookie);
      throw error;
    }
  });
}
