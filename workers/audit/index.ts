/** The audit log at the edge: admins read it; every context writes it in its own transactions (shared/audit). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerListAudit } from "./routes/list-audit.ts";

export function registerAudit(app: OpenAPIHono<GatewayEnv>): void {
  registerListAudit(app);
}
