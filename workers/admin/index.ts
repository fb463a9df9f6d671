/**
 * Admin read APIs for the console (issue 13): uploads, accounts, payments
 * (refund), the event backbone (consumer lag, dead letters). Admins only.
 * Reads cross contexts; writes go through the owning context's code
 * (billing's refund request) or the backbone's own tables.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerAccounts } from "./routes/accounts.ts";
import { registerBackbone } from "./routes/backbone.ts";
import { registerListUploads } from "./routes/list-uploads.ts";
import { registerRefundPayment } from "./routes/refund-payment.ts";

export function registerAdmin(app: OpenAPIHono<GatewayEnv>): void {
  registerListUploads(app);
  registerAccounts(app);
  registerRefundPayment(app);
  registerBackbone(app);
}
