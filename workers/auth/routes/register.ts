import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requestAccountEmail } from "../account-email.ts";
import { createAccount } from "../accounts.ts";
import { emailSchema, newPasswordSchema, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

const acceptedSchema = z.object({ status: z.literal("accepted"), detail: z.string() }).openapi("RegistrationAccepted");

export const registerRoute = createRoute({
  method: "post",
  path: "/auth/register",
  tags: ["auth"],
  summary: "Create a listener account",
  description:
    "Answers 202 whether or not the email already has an account, so the answer does not reveal who is registered. " +
    "A new account can sign in at once with POST /auth/login, and a link to verify the address is mailed to it " +
    "(until it is followed, the account is never linked to a Google/VK/Yandex sign-in by email); an existing one " +
    "is left unchanged.",
  request: {
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ email: emailSchema, password: newPasswordSchema }).openapi("Registration") },
      },
    },
  },
  responses: {
    202: { description: "Accepted (for new and existing emails alike)", content: { "application/json": { schema: acceptedSchema } } },
    400: { description: "Invalid email or a password that breaks the rules", content: problemContent },
  },
});

const accepted = {
  status: "accepted",
  detail: "If this email can be registered, its account is ready: sign in with POST /auth/login.",
} as const;

export function registerRegister(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(registerRoute, async function register(c) {
    const { email, password } = c.req.valid("json");
    const auth = authServices(c);
    // Hash first, for new and taken emails alike: both answers cost the same.
    const passwordHash = await auth.passwords.hash(password);
    const account = await c
      .get("services")
      .db.transaction()
      .execute(async (trx) => {
        const created = await createAccount(trx, { email, passwordHash });
        if (created) await requestAccountEmail(trx, created.id, "verify-email", c.get("traceparent"));
        return created;
      });
    c.get("log").info("registration", { created: account !== null });
    c.header("cache-control", "no-store");
    return c.json(accepted, 202);
  });
}
