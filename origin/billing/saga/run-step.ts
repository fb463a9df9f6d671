/**
 * Applies one saga decision as one unit of work: step marker, new state, the
 * events and any refund job, all through a `SagaStore` that the caller has
 * opened inside a transaction. A marker that exists already means the step ran
 * (a redelivered event, a tick racing another) and nothing changes.
 */
import type { EventInput } from "../../../shared/events/build.ts";
import type { Money } from "../../../workers/billing/domain/providers/payment-provider.ts";
import { crashPoint } from "../crash-points.ts";
import { decide, type Decision, type SagaEffect, type SagaInput, type SagaSettings, type SagaState } from "./decide.ts";

export type SagaEvent =
  | EventInput<"tunec.billing.subscription-activated.v1">
  | EventInput<"tunec.billing.subscription-failed.v1">
  | EventInput<"tunec.billing.subscription-expired.v1">;

/** The saga's persistence, behind one port: PostgreSQL (Kysely, in a transaction) or memory (property test). */
export interface SagaStore {
  /** Loads the subscription and holds it (row lock) until the unit of work ends. */
  load(subscriptionId: string): Promise<SagaState | null>;
  /** False when the marker was there already. */
  markStep(subscriptionId: string, step: string, paymentId: string | null): Promise<boolean>;
  save(next: SagaState): Promise<void>;
  publish(event: SagaEvent): Promise<void>;
  /** At most one refund per payment; the provider call runs later (refund loop). */
  requestRefund(subscriptionId: string, paymentId: string, amount: Money): Promise<void>;
}

export const sagaSource = "/tunec/billing/subscription-saga";

const failureMessages = {
  payment_failed: "The payment did not go through.",
  payment_timeout: "The payment was not made in time.",
  activation_failed: "The subscription could not be activated.",
} as const;

/** Runs `input` against the stored saga; returns what was applied (null: nothing to do). */
export async function runSagaStep(
  store: SagaStore,
  subscriptionId: string,
  input: SagaInput,
  settings: SagaSettings,
  now: Date,
  traceparent?: string,
): Promise<Decision | null> {
  const saga = await store.load(subscriptionId);
  if (!saga) return null;
  const decision = decide(saga, input, settings, now);
  if (!decision) return null;
  if (!(await store.markStep(saga.id, decision.step, decision.paymentId))) return null;
  await store.save(decision.next);
  for (const effect of decision.effects) await applyEffect(store, decision.next, effect, now, traceparent);
  await crashPoint(`saga:${input.kind}:before-commit`);
  return decision;
}

async function applyEffect(store: SagaStore, saga: SagaState, effect: SagaEffect, now: Date, traceparent: string | undefined): Promise<void> {
  const common = { subscriptionId: saga.id, userId: saga.userId, plan: saga.plan };
  const envelope = { source: sagaSource, time: now, ...(traceparent ? { traceparent } : {}) };
  switch (effect.kind) {
    case "activated":
      return store.publish({
        ...envelope,
        type: "tunec.billing.subscription-activated.v1",
        data: {
          ...common,
          paymentId: effect.paymentId,
          renewal: effect.renewal,
          periodStart: effect.periodStart.toISOString(),
          periodEnd: effect.periodEnd.toISOString(),
          activatedAt: now.toISOString(),
        },
      });
    case "failed":
      return store.publish({
        ...envelope,
        type: "tunec.billing.subscription-failed.v1",
        data: {
          ...common,
          paymentId: effect.paymentId,
          reason: {
            code: effect.reason,
            message:
              effect.compensation === "refund_requested"
                ? `${failureMessages[effect.reason]} The money that arrived is being refunded.`
                : failureMessages[effect.reason],
          },
          compensation: effect.compensation,
          failedAt: now.toISOString(),
        },
      });
    case "expired":
      return store.publish({
        ...envelope,
        type: "tunec.billing.subscription-expired.v1",
        data: { ...common, reason: effect.reason, periodEnd: effect.periodEnd.toISOString(), expiredAt: now.toISOString() },
      });
    case "refund":
      return store.requestRefund(saga.id, effect.paymentId, effect.amount);
  }
}
