import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { requestAccountEmail, setPendingEmail, verifyEmail } from "../account-email.ts";
import { findAccountByEmail, findAccountById, normalizeEmail } from "../accounts.ts";
import { bearerSecurity, emailSchema, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

const tokenBody = z.object({ token: z.string().min(1).max(200) });

export const resendVerificationRoute = createRoute({
  method: "post",
  path: "/auth/email/verification",
  tags: ["auth"],
  summary: "Send the address-verification link again",
  description:
    "Mails a new verification link to the account's address (the previous link stops working). An account whose " +
    "address is already verified gets 204 and no mail.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  responses: {
    202: { description: "A link is on its way" },
    204: { description: "The address is already verified" },
    401: { description: "Missing, invalid or revoked access token", content: problemContent },
  },
});

export const verifyEmailRoute = createRoute({
  method: "post",
  path: "/auth/email/verify",
  tags: ["auth"],
  summary: "Confirm an address with the token from a mailed link",
  description:
    "Spends a verification or change-of-address token (the `token` of the link, which the web app reads from the " +
    "URL fragment). A verification token marks the account's address verified; a change token makes the new " +
    "address the account's. A token works once and only for the address it was sent to. No sign-in needed: the " +
    "link may be opened on another device.",
  request: { body: { required: true, content: { "application/json": { schema: tokenBody.openapi("EmailVerification") } } } },
  responses: {
    200: {
      description: "The address is verified",
      content: { "application/json": { schema: z.object({ email: z.string(), changed: z.boolean() }).openapi("EmailVerified") } },
    },
    400: { description: "An unknown, spent or expired token, or one for an address the account no longer has", content: problemContent },
    409: { description: "The new address was taken by another account meanwhile", content: problemContent },
  },
});

export const changeEmailRoute = createRoute({
  method: "post",
  path: "/auth/email/change",
  tags: ["auth"],
  summary: "Ask to change the account's address",
  description:
    "Mails a confirmation link to the new address; the account keeps its old address until the link is followed " +
    "(POST /auth/email/verify). Accounts with a password must give it. The answer is the same whether or not the " +
    "new address belongs to someone else (no mail is sent then), so it reveals nobody's account.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ email: emailSchema, current_password: z.string().min(1).max(1024).optional() }).openapi("EmailChange"),
        },
      },
    },
  },
  responses: {
    202: { description: "If the address can be used, a confirmation link is on its way to it" },
    400: { description: "The new address is the current one", content: problemContent },
    401: { description: "Missing or invalid token, or a wrong current password", content: problemContent },
  },
});

export function registerEmailRoutes(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(resendVerificationRoute, async function resendVerification(c) {
    const principal = principalOf(c);
    const db = c.get("services").db;
    const sent = await db.transaction().execute(async (trx) => {
      const account = await findAccountById(trx, principal.userId);
      if (!account || account.emailVerifiedAt) return false;
      await requestAccountEmail(trx, account.id, "verify-email", c.get("traceparent"));
      return true;
    });
    c.header("cache-control", "no-store");
    return c.body(null, sent ? 202 : 204);
  });

  app.openapi(verifyEmailRoute, async function verifyEmailAddress(c) {
    const { token } = c.req.valid("json");
    const result = await c
      .get("services")
      .db.transaction()
      .execute((trx) => verifyEmail(trx, token));
    if (!result.ok) {
      if (result.reason === "taken") throw new AppError("CONFLICT", "Another account has taken this address meanwhile; choose another one.");
      throw new AppError("VALIDATION_FAILED", "This link is unknown, already used, expired or for an address the account no longer has.", {
        errors: [{ field: "body.token", message: "unknown, used, expired or stale" }],
      });
    }
    c.get("log").info("email verified", { account_id: result.accountId, changed: result.changed });
    c.header("cache-control", "no-store");
    return c.json({ email: result.email, changed: result.changed }, 200);
  });

  app.openapi(changeEmailRoute, async function changeEmail(c) {
    const principal = principalOf(c);
    const { email, current_password: currentPassword } = c.req.valid("json");
    const auth = authServices(c);
    const db = c.get("services").db;
    const account = await findAccountById(db, principal.userId);
    if (!account) throw new AppError("UNAUTHORIZED", "The account no longer exists.");
    // A stolen access token alone must not be enough to move the account to another mailbox.
    if (account.passwordHash && !(currentPassword && (await auth.passwords.verify(account.passwordHash, currentPassword)))) {
      throw new AppError("INVALID_CREDENTIALS", "The current password is incorrect.");
    }
    if (normalizeEmail(email) === account.email) {
      throw new AppError("VALIDATION_FAILED", "This is already the account's address.", { errors: [{ field: "body.email", message: "unchanged" }] });
    }
    await db.transaction().execute(async (trx) => {
      await setPendingEmail(trx, account.id, email);
      // A taken address gets no mail, but the answer stays the same: it must not tell who is registered.
      if (!(await findAccountByEmail(trx, email))) await requestAccountEmail(trx, account.id, "change-email", c.get("traceparent"));
    });
    c.get("log").info("email change requested", { account_id: account.id });
    c.header("cache-control", "no-store");
    return c.body(null, 202);
  });
}
