/**
 * The billing context at the edge: POST /subscribe (the listener waits for the
 * QR or invoice), GET /subscription, and the providers' callbacks. Activation,
 * expiry, refunds and status polling run in the origin's subscription saga
 * (origin/billing).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerCallback } from "./routes/callback.ts";
import { registerGetSubscription } from "./routes/get-subscription.ts";
import { registerSubscribe } from "./routes/subscribe.ts";

export function registerBilling(app: OpenAPIHono<GatewayEnv>): void {
  registerSubscribe(app);
  registerGetSubscription(app);
  registerCallback(app);
}
