import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireAuth, principalOf } from "../../platform/edge/authenticate.ts";
import { bearerSecurity, idempotencyHeaders, problemContent, subscribeAnswer, subscribeBody } from "../schemas.ts";
import { billingServices } from "../services.ts";
import { subscribe } from "../domain/subscribe.ts";

export const subscribeRoute = createRoute({
  method: "post",
  path: "/subscribe",
  tags: ["billing"],
  summary: "Subscribe to Premium (or renew it)",
  description:
    "Creates the payment at the provider and answers how to pay: an SBP QR / link (RUB) or a TRC-20 invoice (USDT). The subscription activates when the provider confirms the payment; GET /subscription follows it. With a live subscription this makes a renewal payment that extends the current period. Requires an Idempotency-Key: a retry with the same key and body gets the same answer, the same key with another body is refused (422).",
  security: bearerSecurity,
  middleware: [requireAuth()] as const,
  request: {
    headers: idempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: subscribeBody } } },
  },
  responses: {
    201: { description: "Payment created; pay it before expires_at", content: { "application/json": { schema: subscribeAnswer } } },
    400: { description: "Invalid body or missing Idempotency-Key", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    409: { description: "A payment for this account is already waiting", content: problemContent },
    422: { description: "The Idempotency-Key was used with a different body", content: problemContent },
    502: { description: "The payment provider failed; retry", content: problemContent },
    503: { description: "This payment method is not available here", content: problemContent },
  },
});

export function registerSubscribe(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(subscribeRoute, async function subscribeHandler(c) {
    const body = c.req.valid("json");
    const { "idempotency-key": idempotencyKey } = c.req.valid("header");
    const principal = principalOf(c);
    const billing = billingServices(c);
    const requestHash = await sha256(JSON.stringify({ plan: body.plan, method: body.method }));
    const answer = await subscribe(c.get("services").db, billing.providers, billing.settings, {
      userId: principal.userId,
      plan: body.plan,
      method: body.method,
      idempotencyKey,
      requestHash,
      traceparent: c.get("traceparent"),
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.cause !== undefined)
        c.get("log").warn("payment provider failed", { user_id: principal.userId, error: error.cause });
      throw error;
    });
    c.get("log").info("subscribe answered", { user_id: principal.userId, payment_id: answer.body.payment_id, status: answer.status });
    return c.json(subscribeAnswer.parse(answer.body), 201);
  });
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
