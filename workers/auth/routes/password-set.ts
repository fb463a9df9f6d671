import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { updatePasswordHash } from "../accounts.ts";
import { markEmailVerified } from "../account-email.ts";
import { consumeAccountToken } from "../account-tokens.ts";
import { newPasswordSchema, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

export const passwordSetRoute = createRoute({
  method: "post",
  path: "/auth/password/set",
  tags: ["auth"],
  summary: "Set a password with a one-time token (first password, or a reset)",
  description:
    "Spends a one-time token — from a password-reset mail (POST /auth/password/forgot; the web app reads it from " +
    "the link's URL fragment) or from `npm run admin:create` — and sets the account's password. The token works " +
    "once and expires; every session of the account is revoked, so the new password is the only way back in. A " +
    "reset link also proves the address it was mailed to. Sign in afterwards with POST /auth/login.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ token: z.string().min(1).max(200), password: newPasswordSchema }).openapi("PasswordSet"),
        },
      },
    },
  },
  responses: {
    204: { description: "The password is set; sign in with it" },
    400: { description: "An unknown, spent or expired token, or a password that breaks the rules", content: problemContent },
  },
});

export function registerPasswordSet(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(passwordSetRoute, async function setPassword(c) {
    const { token, password } = c.req.valid("json");
    const auth = authServices(c);
    // Hash before spending the token: a request that dies while hashing leaves the token usable.
    const passwordHash = await auth.passwords.hash(password);
    const db = c.get("services").db;
    const spent = await db.transaction().execute(async (trx) => {
      const found = await consumeAccountToken(trx, token, ["set", "reset"]);
      if (found) await updatePasswordHash(trx, found.accountId, passwordHash);
      if (found?.email) await markEmailVerified(trx, found.accountId, found.email);
      return found;
    });
    if (!spent) {
      throw new AppError("VALIDATION_FAILED", "This link is unknown, already used or expired; ask for a new one.", {
        errors: [{ field: "body.token", message: "unknown, used or expired" }],
      });
    }
    const revoked = await auth.sessions.forUser(spent.accountId).revokeAll();
    c.get("log").info("password set with a one-time token", { account_id: spent.accountId, purpose: spent.purpose, sessions_revoked: revoked });
    c.header("cache-control", "no-store");
    return c.body(null, 204);
  });
}
