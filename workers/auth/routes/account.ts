import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";

const accountSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    email_verified: z.boolean(),
    pending_email: z.string().nullable().openapi({ description: "A new address waiting for its confirmation link to be followed" }),
    has_password: z.boolean().openapi({ description: "False for accounts that sign in only through a provider" }),
    roles: z.array(z.string()),
    identities: z.array(
      z.object({
        provider: z.string().openapi({ example: "google" }),
        email: z.string().nullable(),
        linked_at: z.string().openapi({ format: "date-time" }),
        last_sign_in_at: z.string().openapi({ format: "date-time" }),
      }),
    ),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Account");

export const accountRoute = createRoute({
  method: "get",
  path: "/auth/account",
  tags: ["auth"],
  summary: "The signed-in account: address, verification, password, linked providers",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  responses: {
    200: { description: "The account", content: { "application/json": { schema: accountSchema } } },
    401: { description: "Missing, invalid or revoked access token", content: problemContent },
  },
});

export function registerAccount(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(accountRoute, async function account(c) {
    const { userId } = principalOf(c);
    const db = c.get("services").db;
    const row = await db
      .selectFrom("auth.accounts")
      .select(["id", "email", "email_verified_at", "pending_email", "password_hash", "roles", "created_at"])
      .where("id", "=", userId)
      .executeTakeFirst();
    if (!row) throw new AppError("UNAUTHORIZED", "The account no longer exists.");
    const identities = await db
      .selectFrom("auth.identities")
      .select(["provider", "email", "created_at", "last_sign_in_at"])
      .where("account_id", "=", userId)
      .orderBy("created_at")
      .execute();
    c.header("cache-control", "no-store");
    return c.json(
      {
        id: row.id,
        email: row.email,
        email_verified: row.email_verified_at !== null,
        pending_email: row.pending_email,
        has_password: row.password_hash !== null,
        roles: row.roles,
        identities: identities.map((identity) => ({
          provider: identity.provider,
          email: identity.email,
          linked_at: identity.created_at.toISOString(),
          last_sign_in_at: identity.last_sign_in_at.toISOString(),
        })),
        created_at: row.created_at.toISOString(),
      },
      200,
    );
  });
}
