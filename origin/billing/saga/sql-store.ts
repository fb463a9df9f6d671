/** The saga's store on PostgreSQL: every call goes through the caller's transaction. */
import { sql, type Kysely } from "kysely";
import type { SubscriptionsTable } from "../../../shared/db/billing.table.ts";
import type { Database } from "../../../shared/db/database.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { refundKey } from "../../../workers/billing/domain/admin-refund.ts";
import type { Selectable } from "kysely";
import type { SagaState } from "./decide.ts";
import type { SagaStore } from "./run-step.ts";

export function sagaStateOf(row: Selectable<SubscriptionsTable>): SagaState {
  return {
    id: row.id,
    userId: row.user_id,
    plan: row.plan,
    state: row.state,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    awaitingPaymentId: row.awaiting_payment_id,
    awaitingDeadline: row.awaiting_deadline,
    failureReason: row.failure_reason,
  };
}

export function sqlSagaStore(trx: Kysely<Database>): SagaStore {
  return {
    async load(subscriptionId) {
      const row = await trx.selectFrom("billing.subscriptions").selectAll().where("id", "=", subscriptionId).forUpdate().executeTakeFirst();
      return row ? sagaStateOf(row) : null;
    },
    async markStep(subscriptionId, step, paymentId) {
      const inserted = await trx
        .insertInto("billing.saga_steps")
        .values({ subscription_id: subscriptionId, step, payment_id: paymentId })
        .onConflict((oc) => oc.doNothing())
        .returning("step")
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async save(next) {
      await trx
        .updateTable("billing.subscriptions")
        .set({
          plan: next.plan,
          state: next.state,
          period_start: next.periodStart,
          period_end: next.periodEnd,
          awaiting_payment_id: next.awaitingPaymentId,
          awaiting_deadline: next.awaitingDeadline,
          failure_reason: next.failureReason,
          version: sql<number>`version + 1`,
          updated_at: sql<Date>`now()`,
        })
        .where("id", "=", next.id)
        .execute();
    },
    async publish(event) {
      await writeOutbox(trx, event);
    },
    async requestRefund(subscriptionId, paymentId, amount) {
      await trx
        .insertInto("billing.refunds")
        .values({
          payment_id: paymentId,
          subscription_id: subscriptionId,
          idempotency_key: refundKey(paymentId),
          amount_minor: amount.amountMinor,
          currency: amount.currency,
        })
        .onConflict((oc) => oc.column("payment_id").doNothing())
        .execute();
    },
  };
}
