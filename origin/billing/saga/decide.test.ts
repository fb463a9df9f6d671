/** The saga's transition table, one example per row (the property test covers the interleavings). */
import { describe, expect, it } from "vitest";
import { decide, type CompletedPayment, type SagaState } from "./decide.ts";

const settings = { graceMs: 72 * 3_600_000, callbackSlackMs: 120_000 };
const day = 86_400_000;
const t0 = new Date("2026-03-01T10:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const rub = (amountMinor: number) => ({ amountMinor, currency: "RUB" as const });

const awaiting: SagaState = {
  id: "s1",
  userId: "u1",
  plan: "monthly",
  state: "awaiting_payment",
  periodStart: null,
  periodEnd: null,
  awaitingPaymentId: "p1",
  awaitingDeadline: at(15 * 60_000),
  failureReason: null,
};
const active: SagaState = { ...awaiting, state: "active", periodStart: t0, periodEnd: at(30 * day), awaitingPaymentId: null, awaitingDeadline: null };
const paid = (id: string, extra: Partial<CompletedPayment> = {}): CompletedPayment => ({
  id,
  plan: "monthly",
  amount: rub(29_900),
  completedAt: at(60_000),
  ...extra,
});

describe("subscription saga transitions", () => {
  it("activates on the awaited payment: 30 days from its completion", () => {
    const decision = decide(awaiting, { kind: "payment_completed", payment: paid("p1") }, settings, at(61_000));
    expect(decision).toMatchObject({
      step: "paid:p1",
      next: { state: "active", periodStart: at(60_000), periodEnd: at(60_000 + 30 * day), awaitingPaymentId: null },
    });
    expect(decision?.effects).toEqual([{ kind: "activated", paymentId: "p1", renewal: false, periodStart: at(60_000), periodEnd: at(60_000 + 30 * day) }]);
  });

  it("a renewal extends from the period end, even in the grace period", () => {
    const renewing = { ...active, awaitingPaymentId: "p2", awaitingDeadline: at(31 * day) };
    const decision = decide(
      renewing,
      { kind: "payment_completed", payment: paid("p2", { plan: "yearly", completedAt: at(31 * day) }) },
      settings,
      at(31 * day),
    );
    expect(decision).toMatchObject({ step: "paid:p2", next: { plan: "yearly", periodStart: at(30 * day), periodEnd: at(395 * day), awaitingPaymentId: null } });
    expect(decision?.effects).toEqual([{ kind: "activated", paymentId: "p2", renewal: true, periodStart: at(30 * day), periodEnd: at(395 * day) }]);
  });

  it("an over-payment activates and returns the excess", () => {
    const decision = decide(awaiting, { kind: "payment_completed", payment: paid("p1", { received: rub(30_900) }) }, settings, at(61_000));
    expect(decision?.effects.map((effect) => effect.kind)).toEqual(["activated", "refund"]);
    expect(decision?.effects[1]).toEqual({ kind: "refund", paymentId: "p1", amount: rub(1_000) });
  });

  it("money for a failed saga goes back, with the reason the saga failed for", () => {
    const failed: SagaState = { ...awaiting, state: "failed", failureReason: "payment_timeout", awaitingPaymentId: null, awaitingDeadline: null };
    const decision = decide(failed, { kind: "payment_completed", payment: paid("p1") }, settings, at(day));
    expect(decision?.next).toEqual(failed);
    expect(decision?.effects).toEqual([
      { kind: "refund", paymentId: "p1", amount: rub(29_900) },
      { kind: "failed", paymentId: "p1", reason: "payment_timeout", compensation: "refund_requested" },
    ]);
  });

  it("an activation that cannot finish fails the saga and refunds", () => {
    const decision = decide(awaiting, { kind: "activation_failed", payment: paid("p1") }, settings, at(day));
    expect(decision).toMatchObject({ step: "paid:p1", next: { state: "failed", failureReason: "activation_failed", awaitingPaymentId: null } });
    expect(decision?.effects.map((effect) => effect.kind)).toEqual(["refund", "failed"]);
  });

  it("a failed awaited payment fails the saga; an under-payment's money goes back", () => {
    expect(decide(awaiting, { kind: "payment_failed", paymentId: "p1" }, settings, at(1))).toMatchObject({
      step: "unpaid:p1",
      next: { state: "failed", failureReason: "payment_failed" },
      effects: [{ kind: "failed", reason: "payment_failed", compensation: "none" }],
    });
    expect(decide(awaiting, { kind: "payment_failed", paymentId: "p1", received: rub(10_000) }, settings, at(1))?.effects).toEqual([
      { kind: "refund", paymentId: "p1", amount: rub(10_000) },
      { kind: "failed", paymentId: "p1", reason: "payment_failed", compensation: "refund_requested" },
    ]);
    expect(decide(awaiting, { kind: "payment_failed", paymentId: "other" }, settings, at(1))).toBeNull();
  });

  it("a failed renewal leaves the period running", () => {
    const renewing = { ...active, awaitingPaymentId: "p2", awaitingDeadline: at(29 * day) };
    expect(decide(renewing, { kind: "payment_failed", paymentId: "p2" }, settings, at(day))).toMatchObject({
      next: { state: "active", awaitingPaymentId: null },
      effects: [],
    });
  });

  it("times out only after the deadline plus the callback slack", () => {
    expect(decide(awaiting, { kind: "tick" }, settings, at(15 * 60_000 + 119_000))).toBeNull();
    expect(decide(awaiting, { kind: "tick" }, settings, at(15 * 60_000 + 120_000))).toMatchObject({
      step: "unpaid:p1",
      next: { state: "failed", failureReason: "payment_timeout" },
      effects: [{ kind: "failed", reason: "payment_timeout", compensation: "none" }],
    });
  });

  it("expires only after the grace period", () => {
    expect(decide(active, { kind: "tick" }, settings, at(30 * day + settings.graceMs - 1))).toBeNull();
    expect(decide(active, { kind: "tick" }, settings, at(30 * day + settings.graceMs))).toMatchObject({
      step: `expire:${at(30 * day).toISOString()}`,
      next: { state: "expired" },
      effects: [{ kind: "expired", periodEnd: at(30 * day), reason: "not_renewed" }],
    });
  });

  it("ends an active subscription at once when an admin refunds one of its payments, and only once", () => {
    const now = at(3 * day);
    expect(decide(active, { kind: "refunded", paymentId: "p1" }, settings, now)).toEqual({
      step: "refunded:p1",
      paymentId: "p1",
      next: { ...active, state: "expired", periodEnd: now, awaitingPaymentId: null, awaitingDeadline: null },
      effects: [{ kind: "expired", periodEnd: now, reason: "refunded" }],
    });
    // A subscription that is not active has no premium to end; the marker still records the refund.
    expect(decide(awaiting, { kind: "refunded", paymentId: "p1" }, settings, now)).toMatchObject({ step: "refunded:p1", next: awaiting, effects: [] });
  });
});
