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

export function sagaHandlers(settings: SagaSettings, clock: () => Date = () => new Date()): EventHandlers {
  return {
    "tunec.billing.payment-completed.v1": async (event: TunecEvent<"tunec.billing.payment-completed.v1">, trx: Transaction<Database>, context: HandlerContext) => {
      const { data } = event;
      const decision = await runSagaStep(
        sqlSagaStore(trx),
        data.subscriptionId,
        { kind: "payment_completed", payment: { id: data.paymentId, plan: data.plan, amount: data.amount, received: data.received, completedAt: new Date(data.completedAt) } },
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
      const decision = await runSagaStep(
        sqlSagaStore(trx),
        data.subscriptionId,
        { kind: "payment_failed", paymentId: data.paymentId },
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
