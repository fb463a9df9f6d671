/**
 * Compensation, executed: refunds the saga requested are sent to the provider
 * with an idempotency key derived from the payment (`refund-<paymentId>`), so a
 * crash after the call and before recording it repeats the call, never the
 * refund. Each refund is then marked in its own transaction.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { crashPoint } from "./crash-points.ts";

const maxBackoffMs = 15 * 60_000;

export async function runRefunds(db: Kysely<Database>, providers: PaymentProviders, logger: Logger, limit = 20): Promise<number> {
  const due = await db
    .selectFrom("billing.refunds as r")
    .innerJoin("billing.payments as p", "p.id", "r.payment_id")
    .select(["r.payment_id", "r.idempotency_key", "r.amount_minor", "r.currency", "r.attempts", "p.provider", "p.provider_payment_id"])
    .where("r.status", "=", "requested")
    .where("r.next_attempt_at", "<=", new Date())
    .orderBy("r.next_attempt_at")
    .limit(limit)
    .execute();
  let done = 0;
  for (const refund of due) {
    const provider = providers.byName(refund.provider);
    try {
      if (!provider) throw new Error(`no payment provider named ${refund.provider} is configured`);
      if (!refund.provider_payment_id) throw new Error("the payment has no provider id");
      await crashPoint("refund:before-call");
      const result = await provider.refund({
        providerPaymentId: refund.provider_payment_id,
        amount: { amountMinor: Number(refund.amount_minor), currency: refund.currency },
        idempotencyKey: refund.idempotency_key,
      });
      await crashPoint("refund:after-call");
      await db
        .updateTable("billing.refunds")
        .set({
          status: result.status === "succeeded" ? "succeeded" : "accepted",
          provider_refund_id: result.refundId,
          attempts: sql<number>`attempts + 1`,
          last_error: null,
          updated_at: sql<Date>`now()`,
        })
        .where("payment_id", "=", refund.payment_id)
        .where("status", "=", "requested")
        .execute();
      done += 1;
      logger.info("refund sent", { payment_id: refund.payment_id, refund_id: result.refundId, status: result.status });
    } catch (error) {
      const delay = Math.min(maxBackoffMs, 1_000 * 2 ** Math.min(refund.attempts, 20));
      await db
        .updateTable("billing.refunds")
        .set({
          attempts: sql<number>`attempts + 1`,
          last_error: error instanceof Error ? error.message : String(error),
          next_attempt_at: new Date(Date.now() + delay),
          updated_at: sql<Date>`now()`,
        })
        .where("payment_id", "=", refund.payment_id)
        .execute();
      logger.warn("refund failed; will retry", { payment_id: refund.payment_id, error, retry_in_ms: delay });
    }
  }
  return done;
}
