/**
 * The auth context at the edge: accounts, password sign-in, sessions (token
 * families in the Session DO), JWKS and role administration.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerAccount } from "./routes/account.ts";
import { registerAdminRoles } from "./routes/admin-roles.ts";
import { registerEmailRoutes } from "./routes/email.ts";
import { registerPasswordChange } from "./routes/password-change.ts";
import { registerJwks } from "./routes/jwks.ts";
import { registerLogin } from "./routes/login.ts";
import { registerLogout } from "./routes/logout.ts";
import { registerRefresh } from "./routes/refresh.ts";
import { registerPasswordSet } from "./routes/password-set.ts";
import { registerRegister } from "./routes/register.ts";
import { registerDeleteSession } from "./routes/session-delete.ts";
import { registerListSessions } from "./routes/sessions-list.ts";

export function registerAuth(app: OpenAPIHono<GatewayEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from POST /auth/login or /auth/refresh (EdDSA-signed JWT, typ at+jwt, 10 minutes).",
  });
  registerRegister(app);
  registerLogin(app);
  registerRefresh(app);
  registerLogout(app);
  registerPasswordSet(app);
  registerPasswordChange(app);
  registerEmailRoutes(app);
  registerAccount(app);
  registerListSessions(app);
  registerDeleteSession(app);
  registerJwks(app);
  registerAdminRoles(app);
}
