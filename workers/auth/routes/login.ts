import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { findAccountByEmail, normalizeEmail, updatePasswordHash } from "../accounts.ts";
import { deliverTokens } from "../cookie-transport.ts";
import { signDeviceToken } from "../device-token.ts";
import { credentialsSchema, problemContent, tokenResponseSchema } from "../schemas.ts";
import { clientInfo, issueSession } from "../sessions.ts";
import { authServices } from "./services.ts";

export const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Sign in with email and password",
  description:
    "Opens a session (one per device) and returns an access token and a refresh token. A wrong password and an " +
    "unknown email get the same 401 after the same work. `X-Device-Name` names the device in GET /auth/sessions. " +
    "Keep the returned `device_token` and send it as `X-Device-Token` with later sign-ins of this email: failures " +
    "from other devices (someone guessing) then never lock this device out. Browsers send `X-Token-Transport: cookie`: " +
    "the refresh token then goes into the HttpOnly cookie `tunec_refresh` instead of the body.",
  request: { body: { required: true, content: { "application/json": { schema: credentialsSchema } } } },
  responses: {
    200: {
      description: "Signed in",
      content: {
        "application/json": {
          schema: tokenResponseSchema
            .extend({
              device_token: z
                .string()
                .openapi({ description: "Marks this device as known for this email (send it as X-Device-Token when signing in again); 180 days." }),
            })
            .openapi("PasswordTokenResponse"),
        },
      },
    },
    400: { description: "Malformed request", content: problemContent },
    401: { description: "The email or the password is wrong", content: problemContent },
  },
});

export function registerLogin(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(loginRoute, async function login(c) {
    const { email, password } = c.req.valid("json");
    const auth = authServices(c);
    const db = c.get("services").db;
    const account = await findAccountByEmail(db, email);
    // Unknown emails and OAuth-only accounts still spend one verification.
    const valid = account?.passwordHash ? await auth.passwords.verify(account.passwordHash, password) : await auth.passwords.verifyDummy(password);
    if (!account || !valid) throw new AppError("INVALID_CREDENTIALS", "The email or the password is incorrect.");
    if (account.passwordHash && auth.passwords.needsRehash(account.passwordHash)) {
      await updatePasswordHash(db, account.id, await auth.passwords.hash(password));
    }
    const tokens = await issueSession(auth, account, clientInfo(c.req.raw));
    const deviceToken = await signDeviceToken(await auth.keys(), auth.tokens, normalizeEmail(email));
    c.header("cache-control", "no-store");
    return c.json({ ...deliverTokens(c, tokens), device_token: deviceToken }, 200);
  });
}
