/**
 * The notification context at the edge: browsers register for Web Push
 * (POST/DELETE/GET /me/push-subscriptions) with the public VAPID key from
 * GET /push/vapid-public-key. Sending happens at the origin (origin/notify).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerPushSubscriptionRoutes } from "./routes/push-subscriptions.ts";
import { registerVapidPublicKey } from "./routes/vapid-public-key.ts";

export function registerNotify(app: OpenAPIHono<GatewayEnv>): void {
  registerPushSubscriptionRoutes(app);
  registerVapidPublicKey(app);
}
