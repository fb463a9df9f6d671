import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { invalidToken, requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

export const deleteSessionRoute = createRoute({
  method: "delete",
  path: "/auth/sessions/{id}",
  tags: ["auth"],
  summary: "Sign a device out",
  description: "Revokes one of the caller's sessions at once (its refresh token stops working). The current one is allowed too.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: { params: z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    204: { description: "Revoked" },
    400: { description: "Malformed session id", content: problemContent },
    401: { description: "Missing, invalid or revoked access token", content: problemContent },
    404: { description: "No live session of the caller has this id", content: problemContent },
  },
});

export function registerDeleteSession(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(deleteSessionRoute, async function deleteSession(c) {
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    const store = authServices(c).sessions.forUser(principal.userId);
    if (id !== principal.sessionId && !(await store.isActive(principal.sessionId))) throw invalidToken();
    if (!(await store.revoke(id))) throw new AppError("NOT_FOUND", "You have no live session with this id.");
    return c.body(null, 204);
  });
}
