/**
 * Property: whatever order, repetition and timing payment events and timer
 * ticks come in, nobody is premium without a completed payment, and every
 * completed payment ends in an active subscription or a refund (never both,
 * never twice). Runs the real decide/run-step code on the in-memory store.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { periodMs } from "../../../workers/billing/domain/plans.ts";
import type { SagaInput, SagaSettings } from "./decide.ts";
import { MemorySagaStore } from "./memory-store.ts";
import { runSagaStep, type SagaEvent } from "./run-step.ts";

const settings: SagaSettings = { graceMs: 3 * 86_400_000, callbackSlackMs: 60_000 };
const paymentTtlMs = 15 * 60_000;
const price = 29_900;
const users = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];

type Command =
  | { kind: "subscribe"; user: number; plan: "monthly" | "yearly" }
  | { kind: "settle"; payment: number; outcome: "succeeded" | "failed"; overpaid: boolean }
  | { kind: "deliver"; event: number; retriesExhausted: boolean }
  | { kind: "tick"; advanceMs: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant("subscribe" as const),
      user: fc.integer({ min: 0, max: users.length - 1 }),
      plan: fc.constantFrom("monthly" as const, "yearly" as const),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("settle" as const),
      payment: fc.nat(20),
      outcome: fc.constantFrom("succeeded" as const, "succeeded" as const, "failed" as const),
      overpaid: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    }),
    weight: 3,
  },
  // Deliveries pick any published event: reordering and duplicates come from the index. Now and
  // then the activation keeps failing until the consumer's last attempt compensates.
  {
    arbitrary: fc.record({ kind: fc.constant("deliver" as const), event: fc.nat(40), retriesExhausted: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("tick" as const),
      // Mostly minutes (payment deadlines), sometimes weeks to a year (period ends, grace, expiry).
      advanceMs: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 2 * paymentTtlMs }), weight: 4 },
        { arbitrary: fc.integer({ min: 0, max: 400 * 86_400_000 }), weight: 1 },
      ),
    }),
    weight: 2,
  },
);

interface Payment {
  id: string;
  subscriptionId: string;
  plan: "monthly" | "yearly";
  status: "pending" | "succeeded" | "failed";
  received: number;
}

interface PaymentEvent {
  input: SagaInput;
  subscriptionId: string;
}

class World {
  readonly store = new MemorySagaStore();
  readonly payments: Payment[] = [];
  readonly log: PaymentEvent[] = [];
  now = new Date("2026-01-01T00:00:00Z");
  private ids = 0;

  private id(): string {
    this.ids += 1;
    return `00000000-0000-4000-9000-${String(this.ids).padStart(12, "0")}`;
  }

  /** What POST /subscribe does: a new saga, or a renewal payment on the live one; refused while one is awaited. */
  subscribe(userId: string, plan: "monthly" | "yearly"): void {
    const live = [...this.store.subscriptions.values()].find((s) => s.userId === userId && (s.state === "awaiting_payment" || s.state === "active"));
    if (live?.awaitingPaymentId) return;
    const paymentId = this.id();
    const deadline = new Date(this.now.getTime() + paymentTtlMs);
    const subscriptionId = live?.id ?? this.id();
    if (live) this.store.put({ ...live, awaitingPaymentId: paymentId, awaitingDeadline: deadline });
    else {
      this.store.put({
        id: subscriptionId,
        userId,
        plan,
        state: "awaiting_payment",
        periodStart: null,
        periodEnd: null,
        awaitingPaymentId: paymentId,
        awaitingDeadline: deadline,
        failureReason: null,
      });
    }
    this.payments.push({ id: paymentId, subscriptionId, plan, status: "pending", received: 0 });
  }

  /** The provider's verdict through the conditional transition: only a pending payment moves, once. */
  settle(payment: Payment, outcome: "succeeded" | "failed", overpaid: boolean): void {
    if (payment.status !== "pending") return;
    payment.status = outcome;
    // The same flag makes a failure an under-payment: part of the money arrived.
    payment.received = outcome === "succeeded" ? price + (overpaid ? 1_000 : 0) : overpaid ? 10_000 : 0;
    const input: SagaInput =
      outcome === "succeeded"
        ? {
            kind: "payment_completed",
            payment: {
              id: payment.id,
              plan: payment.plan,
              amount: { amountMinor: price, currency: "RUB" },
              received: { amountMinor: payment.received, currency: "RUB" },
              completedAt: this.now,
            },
          }
        : {
            kind: "payment_failed",
            paymentId: payment.id,
            ...(payment.received > 0 ? { received: { amountMinor: payment.received, currency: "RUB" as const } } : {}),
          };
    this.log.push({ input, subscriptionId: payment.subscriptionId });
  }

  async deliver(event: PaymentEvent, retriesExhausted = false): Promise<void> {
    const input: SagaInput =
      retriesExhausted && event.input.kind === "payment_completed" ? { kind: "activation_failed", payment: event.input.payment } : event.input;
    await this.store.unit((store) => runSagaStep(store, event.subscriptionId, input, settings, this.now));
  }

  async tick(): Promise<void> {
    for (const id of this.store.subscriptions.keys()) {
      await this.store.unit((store) => runSagaStep(store, id, { kind: "tick" }, settings, this.now));
    }
  }

  activations(): Extract<SagaEvent, { type: "tunec.billing.subscription-activated.v1" }>[] {
    return this.store.events.filter(
      (event): event is Extract<SagaEvent, { type: "tunec.billing.subscription-activated.v1" }> => event.type === "tunec.billing.subscription-activated.v1",
    );
  }

  /** Nobody premium without a completed payment: every active subscription's period is paid by completed payments. */
  checkPremiumIsPaid(): void {
    for (const subscription of this.store.subscriptions.values()) {
      if (subscription.state !== "active") continue;
      const paid = this.activations().filter((event) => event.data.subscriptionId === subscription.id);
      expect(paid.length).toBeGreaterThan(0);
      for (const event of paid) expect(this.payments.find((p) => p.id === event.data.paymentId)?.status).toBe("succeeded");
      // The period is exactly what the activations bought.
      const bought = paid.reduce((sum, event) => sum + periodMs(this.payments.find((p) => p.id === event.data.paymentId)?.plan ?? "monthly"), 0);
      const first = paid[0];
      expect(subscription.periodEnd?.getTime()).toBe(new Date(first?.data.periodStart ?? 0).getTime() + bought);
    }
  }

  /**
   * What the users context makes of the event stream (activated → premium, expired → not) agrees
   * with the saga: a listener is premium exactly while one of their subscriptions is active.
   */
  checkEventsAgreeWithState(): void {
    for (const userId of users) {
      let premium = false;
      for (const event of this.store.events) {
        if (event.data.userId !== userId) continue;
        if (event.type === "tunec.billing.subscription-activated.v1") premium = true;
        if (event.type === "tunec.billing.subscription-expired.v1") premium = false;
      }
      const active = [...this.store.subscriptions.values()].some((subscription) => subscription.userId === userId && subscription.state === "active");
      expect(premium).toBe(active);
    }
  }

  /**
   * Every completed payment ends in exactly one of: an activation (first or renewal; an
   * over-payment's excess refunded), or a refund of everything that arrived. Nothing else moves money.
   */
  checkEveryPaymentAccounted(): void {
    for (const payment of this.payments) {
      const activations = this.activations().filter((event) => event.data.paymentId === payment.id).length;
      const refunded = this.store.refunds.get(payment.id)?.amount.amountMinor ?? 0;
      if (payment.status !== "succeeded") {
        expect([activations, refunded]).toEqual([0, payment.received]);
      } else if (activations === 1) {
        expect(refunded).toBe(payment.received - price);
      } else {
        expect([activations, refunded]).toEqual([0, payment.received]);
      }
    }
  }
}

describe("subscription saga property (in memory, real decide/run-step)", () => {
  it("keeps premium paid and every payment accounted for, under any interleaving", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 80, size: "max" }), async (commands) => {
        const world = new World();
        for (const next of commands) {
          switch (next.kind) {
            case "subscribe":
              world.subscribe(users[next.user] ?? "", next.plan);
              break;
            case "settle": {
              const payment = world.payments[next.payment % Math.max(1, world.payments.length)];
              if (payment) world.settle(payment, next.outcome, next.overpaid);
              break;
            }
            case "deliver": {
              const event = world.log[next.event % Math.max(1, world.log.length)];
              if (event) await world.deliver(event, next.retriesExhausted);
              break;
            }
            case "tick":
              world.now = new Date(world.now.getTime() + next.advanceMs);
              await world.tick();
              break;
          }
          world.checkPremiumIsPaid();
          world.checkEventsAgreeWithState();
        }
        // Eventually every event is delivered (at least once), in publication order, after which
        // the accounting must balance.
        for (const event of world.log) await world.deliver(event);
        world.checkPremiumIsPaid();
        world.checkEveryPaymentAccounted();
      }),
      { numRuns: 200 },
    );
  });
});
