import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { requestAccountEmail } from "../account-email.ts";
import { findAccountByEmail, findAccountById, updatePasswordHash } from "../accounts.ts";
import { bearerSecurity, emailSchema, newPasswordSchema, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

export const changePasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/change",
  tags: ["auth"],
  summary: "Change the password",
  description:
    "Needs the current password. Every other session of the account is signed out; the one making the request " +
    "stays. An account without a password (OAuth only) sets one through POST /auth/password/forgot.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ current_password: z.string().min(1).max(1024), new_password: newPasswordSchema }).openapi("PasswordChange"),
        },
      },
    },
  },
  responses: {
    204: { description: "Changed; other sessions are signed out" },
    400: { description: "A new password that breaks the rules", content: problemContent },
    401: { description: "Missing or invalid token, or a wrong current password", content: problemContent },
  },
});

export const forgotPasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/forgot",
  tags: ["auth"],
  summary: "Mail a password-reset link",
  description:
    "Answers 202 whether or not the address has an account, so the answer reveals nobody. An account gets a link " +
    "valid for 30 minutes, once (earlier links stop working); follow it and set the new password with " +
    "POST /auth/password/set. Also how an OAuth-only account gets a password.",
  request: { body: { required: true, content: { "application/json": { schema: z.object({ email: emailSchema }).openapi("PasswordForgotten") } } } },
  responses: {
    202: { description: "If the address has an account, a link is on its way (same answer otherwise)" },
    400: { description: "Not an email address", content: problemContent },
  },
});

export function registerPasswordChange(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(changePasswordRoute, async function changePassword(c) {
    const principal = principalOf(c);
    const { current_password: currentPassword, new_password: newPassword } = c.req.valid("json");
    const auth = authServices(c);
    const db = c.get("services").db;
    const account = await findAccountById(db, principal.userId);
    const valid = account?.passwordHash
      ? await auth.passwords.verify(account.passwordHash, currentPassword)
      : await auth.passwords.verifyDummy(currentPassword);
    if (!account || !valid) throw new AppError("INVALID_CREDENTIALS", "The current password is incorrect.");
    await updatePasswordHash(db, account.id, await auth.passwords.hash(newPassword));
    const revoked = await auth.sessions.forUser(account.id).revokeAll({ except: principal.sessionId });
    c.get("log").info("password changed", { account_id: account.id, other_sessions_revoked: revoked });
    c.header("cache-control", "no-store");
    return c.body(null, 204);
  });

  app.openapi(forgotPasswordRoute, async function forgotPassword(c) {
    const { email } = c.req.valid("json");
    const db = c.get("services").db;
    // Both branches open a transaction and look the address up; only the outbox row differs.
    const requested = await db.transaction().execute(async (trx) => {
      const account = await findAccountByEmail(trx, email);
      if (account) await requestAccountEmail(trx, account.id, "reset-password", c.get("traceparent"));
      return account !== null;
    });
    c.get("log").info("password reset requested", { known: requested });
    c.header("cache-control", "no-store");
    return c.body(null, 202);
  });
}
