/**
 * The saga's event side: PaymentCompleted / PaymentFailed from
 * tunec.billing.payments drive the subscription they pay for. Runs inside the
 * consumer's transaction (inbox row + step marker + state + outbox commit together).
 */
import type { Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { TunecEvent } from "../../../shared/events/catalog.ts";
import { childTraceparent } from "../../../shared/events/traceparent.ts";
import type { EventHandlers, HandlerContext } from "../../events/consumer.ts";
import type { SagaSettings } from "./decide.ts";
import { runSagaStep } from "./run-step.ts";
import { sqlSagaStore } from "./sql-store.ts";

export const sagaGroup = "subscription-saga";
export const sagaTopics = ["tunec.billing.payments"];

export interface SagaHandlerOptions {
  /** The consumer's retry budget: its last attempt compensates instead of activating. */
  maxAttempts: number;
  clock?: () => Date;
}

export function sagaHandlers(settings: SagaSettings, options: SagaHandlerOptions): EventHandlers {
  const clock = options.clock ?? (() => new Date());
  return {
    "tunec.billing.payment-completed.v1": async (
      event: TunecEvent<"tunec.billing.payment-completed.v1">,
      trx: Transaction<Database>,
      context: HandlerContext,
    ) => {
      const { data } = event;
      const payment = { id: data.paymentId, plan: data.plan, amount: data.amount, received: data.received, completedAt: new Date(data.completedAt) };
      // Activation failed on every earlier attempt: rather than park the money in the dead-letter
      // topic, this last attempt fails the saga and refunds (activation cannot finish).
      const lastAttempt = context.attempt >= options.maxAttempts && options.maxAttempts > 1;
      if (lastAttempt)
        context.logger.error("activation kept failing; compensating with a refund", { subscription_id: data.subscriptionId, payment_id: data.paymentId });
      const decision = await runSagaStep(
        sqlSagaStore(trx),
        data.subscriptionId,
        lastAttempt ? { kind: "activation_failed", payment } : { kind: "payment_completed", payment },
        settings,
        clock(),
        childTraceparent(context.traceparent),
      );
      context.logger.info(decision ? "saga step applied" : "saga step already applied or not applicable", {
        subscription_id: data.subscriptionId,
        payment_id: data.paymentId,
        step: decision?.step,
        effects: decision?.effects.map((effect) => effect.kind),
      });
    },
    "tunec.billing.payment-failed.v1": async (event: TunecEvent<"tunec.billing.payment-failed.v1">, trx: Transaction<Database>, context: HandlerContext) => {
      const { data } = event;
      // An under-paid invoice took some money: the payment row knows how much.
      const row = await trx.selectFrom("billing.payments").select(["received_minor", "currency"]).where("id", "=", data.paymentId).executeTakeFirst();
      const received = row?.received_minor ? { amountMinor: Number(row.received_minor), currency: row.currency } : undefined;
      const decision = await runSagaStep(
        sqlSagaStore(trx),
        data.subscriptionId,
        { kind: "payment_failed", paymentId: data.paymentId, ...(received ? { received } : {}) },
        settings,
        clock(),
        childTraceparent(context.traceparent),
      );
      context.logger.info(decision ? "saga step applied" : "saga step already applied or not applicable", {
        subscription_id: data.subscriptionId,
        payment_id: data.paymentId,
        step: decision?.step,
      });
    },
  };
}
