/**
 * An admin's refund of a payment (POST /admin/payments/{id}/refund). The edge
 * never calls the provider: it records the request in billing.refunds, the
 * same job table the saga's compensation writes, in one transaction with the
 * audit entry; the subscription saga's refund loop (origin/billing/refunds.ts)
 * sends it with the idempotency key `refund-<paymentId>`, retries with backoff
 * and records the outcome. billing.refunds holds one refund per payment, so a
 * second request (or one racing the saga's own compensation) is refused.
 */
import type { Kysely } from "kysely";
import { recordAudit, type AuditActor } from "../../../shared/audit/audit-log.ts";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";

/** The provider's idempotency key of a payment's refund, the saga's compensation and an admin's alike: one per payment. */
export function refundKey(paymentId: string): string {
  return `refund-${paymentId}`;
}

export interface AdminRefundInput {
  paymentId: string;
  reason: string;
  actor: AuditActor & { userId: string };
  requestId?: string;
}

export interface RequestedRefund {
  paymentId: string;
  subscriptionId: string;
  amountMinor: number;
  currency: "RUB" | "USDT";
  status: "requested";
  requestedAt: string;
}

export async function requestAdminRefund(db: Kysely<Database>, input: AdminRefundInput): Promise<RequestedRefund> {
  return db.transaction().execute(async (trx) => {
    const payment = await trx
      .selectFrom("billing.payments")
      .select(["id", "subscription_id", "status", "amount_minor", "received_minor", "currency"])
      .where("id", "=", input.paymentId)
      .forUpdate()
      .executeTakeFirst();
    if (!payment) throw new AppError("NOT_FOUND", "No payment has this id.");
    if (payment.status !== "succeeded") throw new AppError("CONFLICT", `Only a succeeded payment can be refunded; this one is ${payment.status}.`);
    const existing = await trx.selectFrom("billing.refunds").select("status").where("payment_id", "=", payment.id).executeTakeFirst();
    if (existing) throw new AppError("CONFLICT", `This payment already has a refund (${existing.status}).`);
    // Everything that arrived goes back (an over-paid USDT invoice included), as the saga's compensation does.
    const amountMinor = Number(payment.received_minor ?? payment.amount_minor);
    const inserted = await trx
      .insertInto("billing.refunds")
      .values({
        payment_id: payment.id,
        subscription_id: payment.subscription_id,
        idempotency_key: refundKey(payment.id),
        amount_minor: amountMinor,
        currency: payment.currency,
        requested_by: input.actor.userId,
        reason: input.reason,
      })
      // The saga may have requested one since the check above (it does not lock the payment).
      .onConflict((oc) => oc.column("payment_id").doNothing())
      .returning(["created_at"])
      .executeTakeFirst();
    if (!inserted) throw new AppError("CONFLICT", "This payment already has a refund.");
    await recordAudit(trx, {
      actor: input.actor,
      action: "payment.refund",
      targetType: "payment",
      targetId: payment.id,
      before: { status: payment.status, refund: null },
      after: { refund: { status: "requested", amount_minor: amountMinor, currency: payment.currency } },
      reason: input.reason,
      requestId: input.requestId ?? null,
    });
    return {
      paymentId: payment.id,
      subscriptionId: payment.subscription_id,
      amountMinor,
      currency: payment.currency,
      status: "requested" as const,
      requestedAt: new Date(inserted.created_at).toISOString(),
    };
  });
}
