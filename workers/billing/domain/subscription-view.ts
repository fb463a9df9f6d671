/** GET /subscription's read: the live (or latest) subscription and the payment history. */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { instructionsView } from "./instructions.ts";
import type { PaymentInstructions } from "./providers/payment-provider.ts";

export async function readSubscription(db: Kysely<Database>, userId: string, graceMs: number) {
  const subscription = await db
    .selectFrom("billing.subscriptions")
    .selectAll()
    .where("user_id", "=", userId)
    // The live one if any, else the latest.
    .orderBy((eb) => eb.case().when("state", "in", ["awaiting_payment", "active"]).then(0).else(1).end())
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  const payments = await db
    .selectFrom("billing.payments as p")
    .leftJoin("billing.refunds as r", "r.payment_id", "p.id")
    .select([
      "p.id",
      "p.subscription_id",
      "p.purpose",
      "p.plan",
      "p.method",
      "p.amount_minor",
      "p.currency",
      "p.status",
      "p.failure_code",
      "p.failure_message",
      "p.created_at",
      "p.completed_at",
      "r.status as refund_status",
    ])
    .where("p.user_id", "=", userId)
    .orderBy("p.created_at", "desc")
    .limit(50)
    .execute();
  const pending = subscription?.awaiting_payment_id
    ? await db.selectFrom("billing.payments").selectAll().where("id", "=", subscription.awaiting_payment_id).executeTakeFirst()
    : undefined;
  const periodEnd = subscription?.period_end ?? null;
  const live = subscription?.state === "active";
  return {
    state: subscription?.state ?? ("none" as const),
    subscription_id: subscription?.id ?? null,
    plan: subscription?.plan ?? null,
    current_period: subscription?.period_start && periodEnd ? { start: subscription.period_start.toISOString(), end: periodEnd.toISOString() } : null,
    renewal_date: live && periodEnd ? periodEnd.toISOString() : null,
    premium_until: live && periodEnd ? new Date(periodEnd.getTime() + graceMs).toISOString() : null,
    pending_payment_id: subscription?.awaiting_payment_id ?? null,
    pending_payment: pending
      ? {
          payment_id: pending.id,
          method: pending.method,
          amount: { amount_minor: Number(pending.amount_minor), currency: pending.currency },
          expires_at: pending.expires_at.toISOString(),
          instructions: pending.instructions ? instructionsView(pending.instructions as unknown as PaymentInstructions) : null,
        }
      : null,
    failure_reason: subscription?.failure_reason ?? null,
    payments: payments.map((payment) => ({
      payment_id: payment.id,
      subscription_id: payment.subscription_id,
      purpose: payment.purpose,
      plan: payment.plan,
      method: payment.method,
      amount: { amount_minor: Number(payment.amount_minor), currency: payment.currency },
      status: payment.status,
      failure: payment.failure_code ? { code: payment.failure_code, message: payment.failure_message ?? "" } : null,
      refund: payment.refund_status ?? null,
      created_at: payment.created_at.toISOString(),
      completed_at: payment.completed_at?.toISOString() ?? null,
    })),
  };
}
