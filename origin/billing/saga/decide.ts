/**
 * The subscription saga as a pure function: given the persisted state and one
 * input (a payment event or a timer tick), what the next state is, which step
 * marker makes it happen at most once, and which effects (events, a refund)
 * commit with it. No I/O here, so the property test can drive it through any
 * interleaving; `run-step.ts` applies a decision in one transaction.
 */
import type { SubscriptionFailureReason, SubscriptionState } from "../../../shared/db/billing.table.ts";
import { periodMs, type Plan } from "../../../workers/billing/domain/plans.ts";
import type { Money } from "../../../workers/billing/domain/providers/payment-provider.ts";

export interface SagaState {
  id: string;
  userId: string;
  plan: Plan;
  state: SubscriptionState;
  periodStart: Date | null;
  periodEnd: Date | null;
  /** The payment the saga waits for (first or renewal) and its deadline. */
  awaitingPaymentId: string | null;
  awaitingDeadline: Date | null;
  failureReason: SubscriptionFailureReason | null;
}

export interface CompletedPayment {
  id: string;
  plan: Plan;
  amount: Money;
  /** What actually arrived; more than `amount` is an over-payment (USDT) and the excess goes back. */
  received?: Money;
  completedAt: Date;
}

export type SagaInput =
  | { kind: "payment_completed"; payment: CompletedPayment }
  /** `received`: money that arrived anyway (a USDT under-payment); it goes back. */
  | { kind: "payment_failed"; paymentId: string; received?: Money }
  /** The activation step kept failing (retries exhausted): the money goes back instead. */
  | { kind: "activation_failed"; payment: CompletedPayment }
  /** An admin refunded one of the subscription's payments (POST /admin/payments/{id}/refund). */
  | { kind: "refunded"; paymentId: string }
  | { kind: "tick" };

export type SagaEffect =
  | { kind: "activated"; paymentId: string; renewal: boolean; periodStart: Date; periodEnd: Date }
  | { kind: "failed"; paymentId: string | null; reason: SubscriptionFailureReason; compensation: "none" | "refund_requested" }
  | { kind: "expired"; periodEnd: Date; reason: "not_renewed" | "refunded" }
  | { kind: "refund"; paymentId: string; amount: Money };

export interface Decision {
  /** Unique per subscription: a step whose marker exists has run and is skipped. */
  step: string;
  paymentId: string | null;
  next: SagaState;
  effects: SagaEffect[];
}

export interface SagaSettings {
  /** How long premium lasts past the period end without a renewal. */
  graceMs: number;
  /** How long past a payment's deadline a late callback is still awaited. */
  callbackSlackMs: number;
}

/** The marker of everything a payment's money did (activation, renewal or refund). */
export const paidStep = (paymentId: string) => `paid:${paymentId}`;
/** The marker of a payment that failed or that the saga stopped waiting for. */
export const unpaidStep = (paymentId: string) => `unpaid:${paymentId}`;

export function decide(saga: SagaState, input: SagaInput, settings: SagaSettings, now: Date): Decision | null {
  switch (input.kind) {
    case "payment_completed":
      return onCompleted(saga, input.payment);
    case "payment_failed":
      return onFailed(saga, input.paymentId, input.received);
    case "activation_failed":
      return onActivationFailed(saga, input.payment);
    case "refunded":
      return onRefunded(saga, input.paymentId, now);
    case "tick":
      return onTick(saga, settings, now);
  }
}

function onCompleted(saga: SagaState, payment: CompletedPayment): Decision {
  const step = paidStep(payment.id);
  if (saga.state === "awaiting_payment" && saga.awaitingPaymentId === payment.id) {
    const periodStart = payment.completedAt;
    const periodEnd = new Date(periodStart.getTime() + periodMs(payment.plan));
    return {
      step,
      paymentId: payment.id,
      next: { ...saga, plan: payment.plan, state: "active", periodStart, periodEnd, awaitingPaymentId: null, awaitingDeadline: null },
      effects: [{ kind: "activated", paymentId: payment.id, renewal: false, periodStart, periodEnd }, ...excessRefund(payment)],
    };
  }
  if (saga.state === "active" && saga.periodEnd) {
    // A renewal, awaited or late: the money arrived while the subscription is live, so it extends it
    // from the current end (continuous coverage, grace included).
    const periodStart = saga.periodEnd;
    const periodEnd = new Date(periodStart.getTime() + periodMs(payment.plan));
    const stillAwaited = saga.awaitingPaymentId === payment.id;
    return {
      step,
      paymentId: payment.id,
      next: {
        ...saga,
        plan: payment.plan,
        periodStart,
        periodEnd,
        awaitingPaymentId: stillAwaited ? null : saga.awaitingPaymentId,
        awaitingDeadline: stillAwaited ? null : saga.awaitingDeadline,
      },
      effects: [{ kind: "activated", paymentId: payment.id, renewal: true, periodStart, periodEnd }, ...excessRefund(payment)],
    };
  }
  // Money for a saga that already failed or expired (or a payment it never waited for): it cannot
  // activate anything, so all of it goes back.
  const reason: SubscriptionFailureReason = saga.state === "failed" && saga.failureReason ? saga.failureReason : "activation_failed";
  return {
    step,
    paymentId: payment.id,
    next: saga,
    effects: [
      { kind: "refund", paymentId: payment.id, amount: returnedOf(payment) },
      { kind: "failed", paymentId: payment.id, reason, compensation: "refund_requested" },
    ],
  };
}

function onActivationFailed(saga: SagaState, payment: CompletedPayment): Decision {
  const awaited = saga.awaitingPaymentId === payment.id;
  const next: SagaState = awaited
    ? {
        ...saga,
        awaitingPaymentId: null,
        awaitingDeadline: null,
        ...(saga.state === "awaiting_payment" ? { state: "failed" as const, failureReason: "activation_failed" as const } : {}),
      }
    : saga;
  return {
    step: paidStep(payment.id),
    paymentId: payment.id,
    next,
    effects: [
      { kind: "refund", paymentId: payment.id, amount: returnedOf(payment) },
      { kind: "failed", paymentId: payment.id, reason: "activation_failed", compensation: "refund_requested" },
    ],
  };
}

function returnedOf(payment: CompletedPayment): Money {
  return payment.received && payment.received.currency === payment.amount.currency ? payment.received : payment.amount;
}

/** An over-payment activates like the price and returns the difference. */
function excessRefund(payment: CompletedPayment): SagaEffect[] {
  const { received, amount } = payment;
  if (!received || received.currency !== amount.currency || received.amountMinor <= amount.amountMinor) return [];
  return [{ kind: "refund", paymentId: payment.id, amount: { amountMinor: received.amountMinor - amount.amountMinor, currency: amount.currency } }];
}

function onFailed(saga: SagaState, paymentId: string, received: Money | undefined): Decision | null {
  const refunds: SagaEffect[] = received && received.amountMinor > 0 ? [{ kind: "refund", paymentId, amount: received }] : [];
  if (saga.awaitingPaymentId !== paymentId) {
    // Not (or no longer) awaited: only money that arrived needs handling, and it goes back.
    return refunds.length > 0 ? { step: `returned:${paymentId}`, paymentId, next: saga, effects: refunds } : null;
  }
  const stopWaiting = { ...saga, awaitingPaymentId: null, awaitingDeadline: null };
  if (saga.state === "awaiting_payment") {
    return {
      step: unpaidStep(paymentId),
      paymentId,
      next: { ...stopWaiting, state: "failed", failureReason: "payment_failed" },
      effects: [...refunds, { kind: "failed", paymentId, reason: "payment_failed", compensation: refunds.length > 0 ? "refund_requested" : "none" }],
    };
  }
  // A failed renewal: the current period runs on; the listener may try again.
  return { step: unpaidStep(paymentId), paymentId, next: stopWaiting, effects: refunds };
}

/**
 * The money went back, so the premium it bought ends now: a refund is how support
 * undoes a subscription, whichever of its payments is refunded. The marker makes
 * the refund count once; a subscription that is not active has nothing to end.
 */
function onRefunded(saga: SagaState, paymentId: string, now: Date): Decision {
  const step = `refunded:${paymentId}`;
  if (saga.state !== "active") return { step, paymentId, next: saga, effects: [] };
  return {
    step,
    paymentId,
    next: { ...saga, state: "expired", periodEnd: now, awaitingPaymentId: null, awaitingDeadline: null },
    effects: [{ kind: "expired", periodEnd: now, reason: "refunded" }],
  };
}

function onTick(saga: SagaState, settings: SagaSettings, now: Date): Decision | null {
  if (saga.state === "active" && saga.periodEnd && now.getTime() >= saga.periodEnd.getTime() + settings.graceMs) {
    return {
      step: `expire:${saga.periodEnd.toISOString()}`,
      paymentId: null,
      next: { ...saga, state: "expired", awaitingPaymentId: null, awaitingDeadline: null },
      effects: [{ kind: "expired", periodEnd: saga.periodEnd, reason: "not_renewed" }],
    };
  }
  if (saga.awaitingPaymentId && saga.awaitingDeadline && now.getTime() >= saga.awaitingDeadline.getTime() + settings.callbackSlackMs) {
    const paymentId = saga.awaitingPaymentId;
    const stopWaiting = { ...saga, awaitingPaymentId: null, awaitingDeadline: null };
    if (saga.state === "awaiting_payment") {
      return {
        step: unpaidStep(paymentId),
        paymentId,
        next: { ...stopWaiting, state: "failed", failureReason: "payment_timeout" },
        effects: [{ kind: "failed", paymentId, reason: "payment_timeout", compensation: "none" }],
      };
    }
    return { step: unpaidStep(paymentId), paymentId, next: stopWaiting, effects: [] };
  }
  return null;
}
