import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, problemContent, subscriptionView } from "../schemas.ts";
import { readSubscription } from "../domain/subscription-view.ts";

export const getSubscriptionRoute = createRoute({
  method: "get",
  path: "/subscription",
  tags: ["billing"],
  summary: "Your subscription and payment history",
  description: "State (none, awaiting_payment, active, failed, expired), plan, current period, renewal date, and the last 50 payments with refunds.",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  responses: {
    200: { description: "The subscription", content: { "application/json": { schema: subscriptionView } } },
    401: { description: "Missing or invalid access token", content: problemContent },
  },
});

export function registerGetSubscription(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(getSubscriptionRoute, async function getSubscription(c) {
    const view = await readSubscription(c.get("services").db, principalOf(c).userId, graceMsOf(c.env));
    return c.json(view, 200);
  });
}

function graceMsOf(env: unknown): number {
  const hours = Number((env as { BILLING_GRACE_HOURS?: unknown } | undefined)?.BILLING_GRACE_HOURS ?? 72);
  return (Number.isFinite(hours) && hours >= 0 ? hours : 72) * 3_600_000;
}
