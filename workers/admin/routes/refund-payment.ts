import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { bearerSecurity } from "../../auth/schemas.ts";
import { requestAdminRefund } from "../../billing/domain/admin-refund.ts";
import { idParam, problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { requireRole, principalOf } from "../../platform/edge/authenticate.ts";

export const refundPaymentRoute = createRoute({
  method: "post",
  path: "/admin/payments/{id}/refund",
  tags: ["admin"],
  summary: "Refund a succeeded payment (everything that arrived)",
  description:
    "Records the refund request, with the audit entry `payment.refund`, in one transaction; the subscription saga's refund " +
    "loop sends it to the provider (idempotency key `refund-<payment id>`) and retries until the provider takes it, so the " +
    "answer is 202 and `GET /admin/accounts/{id}` shows its progress. One refund per payment: 409 for a payment that is not " +
    "succeeded or already has one (the saga's compensation included). The refund ends the subscription's premium at once: " +
    "the saga expires it (SubscriptionExpired, reason `refunded`) within a pass of its loop.",
  security: bearerSecurity,
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam("payment"),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({ reason: z.string().trim().min(1, "must not be empty").max(2000, "at most 2000 characters") }).openapi("PaymentRefundRequest"),
        },
      },
    },
  },
  responses: {
    202: {
      description: "The refund is requested; the saga sends it",
      content: {
        "application/json": {
          schema: z
            .object({
              payment_id: z.uuid(),
              subscription_id: z.uuid(),
              refund: z.object({
                status: z.literal("requested"),
                amount: z.object({ amount_minor: z.number().int(), currency: z.enum(["RUB", "USDT"]) }),
                requested_at: z.iso.datetime({ offset: true }),
              }),
            })
            .openapi("PaymentRefundRequested"),
        },
      },
    },
    400: { description: "Invalid id or body", content: problemContent },
    401: { description: "Missing or invalid access token", content: problemContent },
    403: { description: "Not an admin", content: problemContent },
    404: { description: "No such payment", content: problemContent },
    409: { description: "The payment is not succeeded, or already has a refund", content: problemContent },
  },
});

export function registerRefundPayment(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(refundPaymentRoute, async function refundPayment(c) {
    const admin = principalOf(c);
    const refund = await requestAdminRefund(c.get("services").db, {
      paymentId: c.req.valid("param").id,
      reason: c.req.valid("json").reason,
      actor: { userId: admin.userId, roles: admin.roles },
      requestId: c.get("requestId"),
    });
    c.get("log").info("refund requested by an admin", {
      payment_id: refund.paymentId,
      amount_minor: refund.amountMinor,
      currency: refund.currency,
      by: admin.userId,
    });
    return c.json(
      {
        payment_id: refund.paymentId,
        subscription_id: refund.subscriptionId,
        refund: { status: refund.status, amount: { amount_minor: refund.amountMinor, currency: refund.currency }, requested_at: refund.requestedAt },
      },
      202,
    );
  });
}
