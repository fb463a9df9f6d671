/**
 * The saga process (`origin/main.ts --service subscription-saga`) SIGKILLed at
 * each step — inside the activation, failure, timeout and compensation steps'
 * transactions, after a timer step committed, before and after the refund
 * call — and restarted each time: the saga
 * converges and no step runs twice in effect (one activation, one expiry, one
 * failure per cause, one refund at the T-Bank sandbox).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import { parseConfig } from "../../shared/config.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import type { RunningProcess } from "../../test/processes.ts";
import { applyProviderStatus } from "../../workers/billing/domain/apply-status.ts";
import { paymentProviders, type PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { createPaymentProviders, paymentProvidersConfigSchema } from "../../workers/billing/domain/providers/index.ts";
import { subscribe } from "../../workers/billing/domain/subscribe.ts";
import { startPaymentSandboxes, type PaymentSandboxes } from "../billing-sandbox/index.ts";
import { sandboxClient } from "../billing-sandbox/control-client.ts";
import { killHard, startOriginProcess, stopGracefully } from "../cdc/testing/cdc-process.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import { billingEvents, ensureBillingTopics, startRelay, subscribeSettings, subscriptionRow } from "./testing/harness.ts";

// One database kind is enough here (the step logic runs on both in saga.test.ts): the real server when there is one.
const kind = databaseKinds().at(-1) ?? "pglite";
const crashPoints = [
  "saga:payment_completed:before-commit",
  "saga:tick:before-commit",
  "saga:tick:after-commit",
  "saga:payment_failed:before-commit",
  "saga:payment_completed:before-commit",
  "refund:before-call",
  "refund:after-call",
];

describe(`subscription saga SIGKILLed at each step (${kind})`, () => {
  const logger = createLogger({ service: "saga-crash-test" }, "error");
  let database: TestDatabase;
  let backbone: EventBackbone;
  let relay: ReturnType<typeof startRelay>;
  let sandboxes: PaymentSandboxes;
  let providers: PaymentProviders;
  let env: Record<string, string>;
  let child: RunningProcess | null = null;
  const pending = [...crashPoints];
  const reached: string[] = [];

  const startChild = () => {
    const point = pending[0] ?? "";
    child = startOriginProcess(["subscription-saga"], {
      ...env,
      BILLING_CRASH_AT: point,
      DATABASE_URL: database.url,
      CDC_SLOT: "unused",
      CDC_MODE: "auto",
      KAFKA_BROKERS: "",
    });
  };
  /** A child that died must have died at its crash point; the next one gets the next point. */
  const supervise = async () => {
    if (!child || (child.child.exitCode === null && child.child.signalCode === null)) return;
    const point = pending.shift();
    const output = child.output();
    expect(child.child.signalCode, `the saga process exited on its own:\n${output}`).toBe("SIGKILL");
    expect(output).toContain(`"point":"${point}"`);
    reached.push(point ?? "");
    startChild();
  };
  const until = async (condition: () => Promise<boolean>, what: string) => {
    const deadline = Date.now() + 45_000;
    for (;;) {
      await supervise();
      if (await condition()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; crash points reached: ${reached.join(", ")}\n${child?.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    sandboxes = await startPaymentSandboxes(parseConfig(paymentProvidersConfigSchema, { ENVIRONMENT: "test" }), { ports: { sbp: 0, usdt: 0 } });
    env = {
      ENVIRONMENT: "test",
      SBP_API_URL: sandboxes.sbp.apiUrl,
      USDT_API_URL: sandboxes.usdt.apiUrl,
      USDT_TRON_NODE_URL: sandboxes.usdt.tronNodeUrl,
      // Nothing listens there: the test applies what the provider says itself, as the callback route would.
      BILLING_CALLBACK_BASE_URL: "http://127.0.0.1:9",
      BILLING_TICK_MS: "100",
      BILLING_POLL_AFTER_SECONDS: "86400",
      BILLING_CALLBACK_SLACK_SECONDS: "0",
      BILLING_GRACE_HOURS: "0",
    };
    providers = paymentProviders(createPaymentProviders(parseConfig(paymentProvidersConfigSchema, env)));
    backbone = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    await ensureBillingTopics(backbone);
    relay = startRelay(database.db, backbone, logger);
  });
  afterAll(async () => {
    if (child) await stopGracefully(child);
    await relay?.stop();
    await backbone?.log.close();
    await sandboxes?.stop();
    await database?.drop();
  });

  /** The T-Bank sandbox takes (or declines) the money without calling back; we apply what GetState says, as the callback route would. */
  const settle = async (providerPaymentId: string, outcome: "completed" | "failed") => {
    const sbp = sandboxClient(sandboxes.sbp.url);
    if (outcome === "completed") await sbp.pay(providerPaymentId, { mute: true });
    else await sbp.decline(providerPaymentId, { mute: true });
    const provider = providers.byName("tbank");
    if (!provider) throw new Error("no tbank adapter");
    const status = await provider.getPayment(providerPaymentId);
    expect(await applyProviderStatus(database.db, { provider: "tbank", status, callbackBody: JSON.stringify(status) })).toBe(outcome);
  };
  const pay = (providerPaymentId: string) => settle(providerPaymentId, "completed");
  const open = async () => {
    const userId = crypto.randomUUID();
    const answer = await subscribe(database.db, providers, subscribeSettings(), {
      userId,
      plan: "monthly",
      method: "sbp",
      idempotencyKey: crypto.randomUUID(),
      requestHash: "h",
    });
    const payment = await database.db.selectFrom("billing.payments").selectAll().where("id", "=", String(answer.body.payment_id)).executeTakeFirstOrThrow();
    return { userId, subscriptionId: payment.subscription_id, paymentId: payment.id, providerPaymentId: payment.provider_payment_id ?? "" };
  };
  const state = async (id: string) => (await subscriptionRow(database.db, id)).state;

  it("converges after every crash, with every step in effect exactly once", async () => {
    startChild();
    // A: pays and activates (crash inside the activation step).
    const a = await open();
    await pay(a.providerPaymentId);
    await until(async () => (await state(a.subscriptionId)) === "active", "A to activate");
    // A duplicate of the payment event on the log (at-least-once delivery) changes nothing.
    const [completed] = await database.db
      .selectFrom("events.outbox")
      .select(["key", "event"])
      .where("key", "=", a.userId)
      .where("type", "=", "tunec.billing.payment-completed.v1")
      .execute();
    if (completed) await backbone.log.publish([{ topic: "tunec.billing.payments", key: completed.key, value: JSON.stringify(completed.event) }]);

    // B: never pays in time (crashes inside the timeout step, then right after it committed).
    const b = await open();
    await database.db
      .updateTable("billing.subscriptions")
      .set({ awaiting_deadline: new Date(Date.now() - 3_600_000) })
      .where("id", "=", b.subscriptionId)
      .execute();
    await until(async () => (await state(b.subscriptionId)) === "failed", "B to time out");

    // A's period ends without a renewal (grace 0): it expires.
    await database.db
      .updateTable("billing.subscriptions")
      .set({ period_end: new Date(Date.now() - 3_600_000) })
      .where("id", "=", a.subscriptionId)
      .execute();
    await until(async () => (await state(a.subscriptionId)) === "expired", "A to expire");

    // C: the bank declines (crash inside the failure step).
    const c = await open();
    await settle(c.providerPaymentId, "failed");
    await until(async () => (await state(c.subscriptionId)) === "failed", "C to fail");

    // B's money arrives late: compensation (crash in the decision, before and after the refund call).
    await pay(b.providerPaymentId);
    await until(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", b.paymentId).executeTakeFirst())?.status === "succeeded",
      "B's refund",
    );
    await until(async () => pending.length === 0, "every crash point to be reached");
    expect(reached).toEqual(crashPoints);

    const typesOf = async (userId: string) =>
      (await billingEvents(database.db, userId)).map((event) => [
        event.type.replace("tunec.billing.", ""),
        event.data.compensation ?? event.data.renewal ?? event.data.reason ?? null,
      ]);
    expect(await typesOf(a.userId)).toEqual([
      ["payment-completed.v1", null],
      ["subscription-activated.v1", false],
      ["subscription-expired.v1", "not_renewed"],
    ]);
    expect(await typesOf(b.userId)).toEqual([
      ["subscription-failed.v1", "none"],
      ["payment-completed.v1", null],
      ["subscription-failed.v1", "refund_requested"],
    ]);
    const refundedAtProvider = async (id: string) =>
      (await sandboxClient(sandboxes.sbp.url).describe(id)) as { Amount: number; Refunded: number; Status: string };
    expect(await refundedAtProvider(b.providerPaymentId)).toMatchObject({ Amount: 29_900, Refunded: 29_900, Status: "REFUNDED" });
    expect(await refundedAtProvider(a.providerPaymentId)).toMatchObject({ Refunded: 0, Status: "CONFIRMED" });
    expect(await typesOf(c.userId)).toEqual([
      ["payment-failed.v1", expect.objectContaining({ code: "declined" })],
      ["subscription-failed.v1", "none"],
    ]);
    const names = new Map([
      [a.subscriptionId, "A"],
      [b.subscriptionId, "B"],
      [c.subscriptionId, "C"],
    ]);
    const steps = await database.db
      .selectFrom("billing.saga_steps")
      .select(["subscription_id", "step"])
      .where("subscription_id", "in", [...names.keys()])
      .orderBy("created_at")
      .execute();
    expect(steps.map((row) => `${names.get(row.subscription_id)} ${row.step.split(":")[0]}`)).toEqual(["A paid", "B unpaid", "A expire", "C unpaid", "B paid"]);
    if (child) await killHard(child);
    child = null;
  }, 120_000);
});
