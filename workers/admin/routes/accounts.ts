import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { roles } from "../../auth/accounts.ts";
import { bearerSecurity } from "../../auth/schemas.ts";
import { cursorSchema, idParam, limitSchema, problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole } from "../../platform/edge/authenticate.ts";
import { accountSummary, readAccount, searchAccounts } from "../accounts.ts";
import { nextCursor, readPosition } from "../keyset.ts";

const time = z.iso.datetime({ offset: true });

const accountSummarySchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    email_verified: z.boolean(),
    email_verified_at: time.nullable(),
    roles: z.array(z.enum(roles)),
    premium: z.boolean().openapi({ description: "Auth's copy of the premium claim (follows the users context)." }),
    created_at: time,
  })
  .openapi("AdminAccountSummary");

const money = z.object({ amount_minor: z.number().int(), currency: z.string() });

const accountDetailSchema = accountSummarySchema
  .extend({
    pending_email: z.string().nullable(),
    updated_at: time,
    identities: z.array(z.object({ provider: z.string(), created_at: time, last_sign_in_at: time })),
    profile: z
      .object({
        display_name: z.string().nullable(),
        avatar_url: z.string().nullable(),
        locale: z.string(),
        premium: z.boolean(),
        premium_until: time.nullable(),
        created_at: time,
      })
      .nullable(),
    subscriptions: z.array(
      z.object({
        id: z.uuid(),
        plan: z.string(),
        state: z.string(),
        period_start: time.nullable(),
        period_end: time.nullable(),
        awaiting_payment_id: z.uuid().nullable(),
        failure_reason: z.string().nullable(),
        created_at: time,
        updated_at: time,
      }),
    ),
    payments: z.array(
      z.object({
        id: z.uuid(),
        subscription_id: z.uuid(),
        purpose: z.string(),
        plan: z.string(),
        method: z.string(),
        provider: z.string(),
        provider_payment_id: z.string().nullable(),
        amount: money,
        received_minor: z.number().int().nullable(),
        status: z.enum(["pending", "succeeded", "failed"]),
        failure: z.object({ code: z.string(), message: z.string() }).nullable(),
        refund: z
          .object({
            status: z.enum(["requested", "accepted", "succeeded"]),
            amount_minor: z.number().int(),
            requested_by: z.uuid().nullable().openapi({ description: "The admin who asked; null for the saga's own compensation." }),
            reason: z.string().nullable(),
            last_error: z.string().nullable(),
            requested_at: time,
          })
          .nullable(),
        created_at: time,
        completed_at: time.nullable(),
        failed_at: time.nullable(),
      }),
    ),
  })
  .openapi("AdminAccount");

export const listAccountsRoute = createRoute({
  method: "get",
  path: "/admin/accounts",
  tags: ["admin"],
  summary: "Search accounts by email and role, newest first",
  description:
    "`q` matches the email case-insensitively and literally (`%` and `_` are plain characters): as a substring, or with " +
    "`match=prefix` as a prefix (indexed). Filters combine; keyset pages with `cursor`.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    query: z.object({
      q: z.string().trim().min(1, "must not be empty").max(100, "at most 100 characters").toLowerCase().optional(),
      match: z.enum(["contains", "prefix"], { error: "expected contains or prefix" }).default("contains"),
      role: z.enum(roles, { error: `expected one of ${roles.join(", ")}` }).optional(),
      cursor: cursorSchema,
      limit: limitSchema,
    }),
  },
  responses: {
    200: {
      description: "A page of accounts",
      content: {
        "application/json": { schema: z.object({ accounts: z.array(accountSummarySchema), next_cursor: z.string().nullable() }).openapi("AdminAccountPage") },
      },
    },
    400: { description: "Invalid filter or cursor", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
  },
});

export const getAccountRoute = createRoute({
  method: "get",
  path: "/admin/accounts/{id}",
  tags: ["admin"],
  summary: "One account with its profile, subscriptions and payments (refunds included)",
  description: "The newest 50 subscriptions and payments. Password hashes and tokens are never shown.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: { params: idParam("account") },
  responses: {
    200: { description: "The account", content: { "application/json": { schema: accountDetailSchema } } },
    400: { description: "Invalid id", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
    404: { description: "No such account", content: problemContent },
  },
});

export function registerAccounts(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(listAccountsRoute, async function listAdminAccounts(c) {
    const query = c.req.valid("query");
    const rows = await searchAccounts(c.get("services").db, {
      q: query.q,
      match: query.match,
      role: query.role,
      before: readPosition(query.cursor),
      limit: query.limit + 1,
    });
    c.header("cache-control", "no-store");
    return c.json(
      {
        accounts: rows.slice(0, query.limit).map(accountSummary),
        next_cursor: nextCursor(rows, query.limit, (row) => ({ at: row.created_at_exact, id: row.id })),
      },
      200,
    );
  });
  app.openapi(getAccountRoute, async function getAdminAccount(c) {
    const account = await readAccount(c.get("services").db, c.req.valid("param").id);
    if (!account) throw new AppError("NOT_FOUND", "No account has this id.");
    c.header("cache-control", "no-store");
    return c.json(account, 200);
  });
}
