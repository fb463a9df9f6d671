import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { recordAudit } from "../../../shared/audit/audit-log.ts";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";
import { roles, setRoles } from "../accounts.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

const rolesSchema = z
  .array(z.enum(roles))
  .min(1)
  .max(roles.length)
  .openapi({ example: ["listener", "artist"] });

export const adminRolesRoute = createRoute({
  method: "post",
  path: "/admin/accounts/{id}/roles",
  tags: ["admin"],
  summary: "Set an account's roles",
  description:
    "Admins only (editors curate the catalog but cannot grant roles). Replaces the roles, recorded in the audit log " +
    "with before and after. A grant reaches the account's tokens at its next refresh; a demotion (any role removed) " +
    "revokes every session of the account at once, so role-guarded routes refuse its access tokens immediately.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    params: z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ roles: rolesSchema }).openapi("RolesUpdate") } } },
  },
  responses: {
    200: {
      description: "The account's roles now",
      content: { "application/json": { schema: z.object({ id: z.uuid(), roles: rolesSchema, sessions_revoked: z.number().int() }) } },
    },
    400: { description: "Malformed request", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an admin", content: problemContent },
    404: { description: "No such account", content: problemContent },
  },
});

export function registerAdminRoles(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(adminRolesRoute, async function setAccountRoles(c) {
    const { id } = c.req.valid("param");
    const admin = principalOf(c);
    const wanted = c.req.valid("json").roles;
    const change = await c
      .get("services")
      .db.transaction()
      .execute(async (trx) => {
        const before = await trx.selectFrom("auth.accounts").select("roles").where("id", "=", id).forUpdate().executeTakeFirst();
        if (!before) return null;
        const account = await setRoles(trx, id, wanted);
        if (!account) return null;
        await recordAudit(trx, {
          actor: { userId: admin.userId, roles: admin.roles },
          action: "account.roles.set",
          targetType: "account",
          targetId: id,
          before: { roles: before.roles },
          after: { roles: account.roles },
          requestId: c.get("requestId"),
        });
        return { before: before.roles, after: account.roles };
      });
    if (!change) throw new AppError("NOT_FOUND", "No account has this id.");
    const demoted = change.before.some((role) => !change.after.includes(role));
    const revoked = demoted ? await authServices(c).sessions.forUser(id).revokeAll() : 0;
    c.get("log").info("roles changed", { account_id: id, roles: change.after, by: admin.userId, sessions_revoked: revoked });
    return c.json({ id, roles: change.after, sessions_revoked: revoked }, 200);
  });
}
