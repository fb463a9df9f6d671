import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../gateway/context.ts";
import { requireRole } from "../../gateway/middleware/authenticate.ts";
import { roles, setRoles } from "../accounts.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";

const rolesSchema = z.array(z.enum(roles)).min(1).max(roles.length).openapi({ example: ["listener", "artist"] });

export const adminRolesRoute = createRoute({
  method: "post",
  path: "/admin/accounts/{id}/roles",
  tags: ["admin"],
  summary: "Set an account's roles",
  description: "Admins only. Replaces the roles; they reach the account's tokens at its next refresh.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    params: z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) }),
    body: { required: true, content: { "application/json": { schema: z.object({ roles: rolesSchema }).openapi("RolesUpdate") } } },
  },
  responses: {
    200: { description: "The account's roles now", content: { "application/json": { schema: z.object({ id: z.uuid(), roles: rolesSchema }) } } },
    400: { description: "Malformed request", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "The caller is not an admin", content: problemContent },
    404: { description: "No such account", content: problemContent },
  },
});

export function registerAdminRoles(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(adminRolesRoute, async function setAccountRoles(c) {
    const { id } = c.req.valid("param");
    const account = await setRoles(c.get("services").db, id, c.req.valid("json").roles);
    if (!account) throw new AppError("NOT_FOUND", "No account has this id.");
    c.get("log").info("roles changed", { account_id: id, roles: account.roles, by: c.get("principal")?.userId });
    return c.json({ id: account.id, roles: account.roles }, 200);
  });
}
