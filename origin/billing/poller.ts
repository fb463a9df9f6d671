/**
 * The fallback when callbacks are late or lost: payments pending longer than
 * BILLING_POLL_AFTER_SECONDS are asked for at their provider, and what it says
 * goes through the same conditional transition as a callback. Payments the saga
 * gave up on are still polled for a day, so late money is found (and refunded).
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import { applyProviderStatus } from "../../workers/billing/domain/apply-status.ts";
import type { PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";

/** How long a pending payment is still asked for at its provider. */
export const pollHorizonMs = 24 * 3_600_000;

export async function pollPendingPayments(
  db: Kysely<Database>,
  providers: PaymentProviders,
  logger: Logger,
  options: { pollAfterMs: number; now?: Date; limit?: number },
): Promise<number> {
  const now = options.now ?? new Date();
  const pending = await db
    .selectFrom("billing.payments")
    .select(["id", "provider", "provider_payment_id"])
    .where("status", "=", "pending")
    .where("provider_payment_id", "is not", null)
    .where("created_at", "<=", new Date(now.getTime() - options.pollAfterMs))
    .where("created_at", ">", new Date(now.getTime() - pollHorizonMs))
    // Least recently asked first; never more often than every pollAfter.
    .where((eb) => eb.or([eb("last_polled_at", "is", null), eb("last_polled_at", "<=", new Date(now.getTime() - options.pollAfterMs))]))
    .orderBy(sql`last_polled_at nulls first`)
    .limit(options.limit ?? 50)
    .execute();
  let changed = 0;
  for (const payment of pending) {
    const provider = providers.byName(payment.provider);
    if (!provider || !payment.provider_payment_id) continue;
    try {
      const status = await provider.getPayment(payment.provider_payment_id);
      if (status.paymentId !== payment.id) throw new Error(`provider answered for payment ${status.paymentId}`);
      const outcome = await applyProviderStatus(db, { provider: provider.name, status });
      if (outcome !== "unchanged") {
        changed += 1;
        logger.info("payment settled by polling", { payment_id: payment.id, outcome });
      }
    } catch (error) {
      logger.warn("payment status poll failed", { payment_id: payment.id, error });
    }
    await db.updateTable("billing.payments").set({ last_polled_at: now }).where("id", "=", payment.id).execute();
  }
  return changed;
}
