import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { AppError } from "../../shared/errors.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { requestAdminRefund } from "../../workers/billing/domain/admin-refund.ts";
import { applyProviderStatus, recordRejectedCallback, refusedCallbackSamplePerHour } from "../../workers/billing/domain/apply-status.ts";
import { paymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { subscribe, type SubscribeInput } from "../../workers/billing/domain/subscribe.ts";
import { createFakeProvider, type FakeProvider } from "../../workers/billing/testing/fake-provider.ts";
import { waitFor } from "../events/consumer/testing.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { dropOldIdempotencyKeys } from "./housekeeping.ts";
import { runTimers } from "./saga/timers.ts";
import { createSagaService, sagaSettingsOf } from "./service.ts";
import { billingEvents, ensureBillingTopics, startRelay, subscribeSettings, subscriptionRow } from "./testing/harness.ts";

// The saga as `--service subscription-saga` runs it, on the embedded PostgreSQL event log;
// the test relays the outbox to the log as the CDC would.
describe.each(databaseKinds())("subscription saga on %s", (kind) => {
  const logger = createLogger({ service: "saga-test" }, (process.env.SAGA_TEST_LOG ?? "error") as "error");
  let database: TestDatabase;
  let backbone: EventBackbone;
  let relay: ReturnType<typeof startRelay>;
  let service: RunningService;
  let fake: FakeProvider;
  let usdt: FakeProvider;
  const config = () =>
    parseConfig(nodeConfigSchema, { DATABASE_URL: database.url, BILLING_TICK_MS: "100", BILLING_POLL_AFTER_SECONDS: "1", BILLING_CALLBACK_SLACK_SECONDS: "0" });
  const providers = () => paymentProviders([fake, usdt]);

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fake = createFakeProvider({ name: "fake" });
    usdt = createFakeProvider({ name: "fake-usdt", method: "usdt" });
    const settings = { ...config(), DATABASE_URL: database.url };
    backbone = createEventLog(settings, database.db, logger);
    await ensureBillingTopics(backbone);
    relay = startRelay(database.db, backbone, logger);
    service = await createSagaService({ providers, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50 } }).start({
      config: settings,
      db: database.db,
      log: logger,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await relay?.stop();
    await backbone?.log.close();
    await database?.drop();
  });

  const input = (overrides: Partial<SubscribeInput> = {}): SubscribeInput => ({
    userId: crypto.randomUUID(),
    plan: "monthly",
    method: "sbp",
    idempotencyKey: crypto.randomUUID(),
    requestHash: "h1",
    ...overrides,
  });
  const start = async (overrides: Partial<SubscribeInput> = {}, ttlMs?: number) => {
    const request = input(overrides);
    const answer = await subscribe(database.db, providers(), subscribeSettings(ttlMs), request);
    const paymentId = String(answer.body.payment_id);
    const payment = await database.db.selectFrom("billing.payments").selectAll().where("id", "=", paymentId).executeTakeFirstOrThrow();
    return { request, answer, paymentId, subscriptionId: String(answer.body.subscription_id), providerPaymentId: payment.provider_payment_id ?? "" };
  };
  const deliver = async (providerPaymentId: string) => {
    const status = await fake.verifyCallback(await fake.callback("https://tunec.test/billing/callbacks/fake", providerPaymentId));
    return applyProviderStatus(database.db, { provider: "fake", status, callbackBody: JSON.stringify(status) });
  };
  const stateOf = async (id: string) => (await subscriptionRow(database.db, id)).state;

  it("the same callback 10 times at once: one payment completion, one activation", async () => {
    const { request, subscriptionId, providerPaymentId, paymentId } = await start();
    fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => deliver(providerPaymentId)));
    expect(outcomes.filter((outcome) => outcome === "completed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "unchanged")).toHaveLength(9);
    await waitFor(async () => (await stateOf(subscriptionId)) === "active", "activation");
    // Relay once more and give the consumer a moment: nothing more may appear.
    await relay.flush();
    const events = await billingEvents(database.db, request.userId);
    expect(events.map((event) => event.type)).toEqual(["tunec.billing.payment-completed.v1", "tunec.billing.subscription-activated.v1"]);
    expect(events[1]?.data).toMatchObject({ subscriptionId, paymentId, renewal: false, plan: "monthly" });
    const row = await subscriptionRow(database.db, subscriptionId);
    expect(row.period_end && row.period_start ? row.period_end.getTime() - row.period_start.getTime() : 0).toBe(30 * 86_400_000);
    const callbacks = await database.db.selectFrom("billing.callbacks").select("outcome").where("payment_id", "=", paymentId).execute();
    expect(callbacks).toHaveLength(10);
  });

  it.each([
    ["less than the amount", { status: "succeeded", received: { amountMinor: 100, currency: "RUB" } }, "underpaid"],
    ["the amount in another currency", { status: "succeeded", received: { amountMinor: 29_900_000_000, currency: "USDT" } }, "underpaid"],
    [
      "a first-seen refund",
      { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" }, refunded: { amountMinor: 29_900, currency: "RUB" } },
      "cancelled",
    ],
  ] as const)("a provider's succeeded with %s never activates", async (_, state, reason) => {
    const { subscriptionId, providerPaymentId, paymentId } = await start();
    fake.settle(providerPaymentId, state);
    expect(await deliver(providerPaymentId)).toBe("failed");
    const payment = await database.db.selectFrom("billing.payments").select(["status", "failure_code"]).where("id", "=", paymentId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ status: "failed", failure_code: reason });
    await waitFor(async () => (await stateOf(subscriptionId)) === "failed", "failure");
  });

  it("keeps a bounded sample of refused callbacks and counts the rest", async () => {
    const provider = `forged-${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < refusedCallbackSamplePerHour + 5; i++) await recordRejectedCallback(database.db, provider, `{"n":${i}}`);
    const kept = await database.db.selectFrom("billing.callbacks").select("body").where("provider", "=", provider).execute();
    expect(kept).toHaveLength(refusedCallbackSamplePerHour);
    const counts = await database.db.selectFrom("billing.refused_callback_counts").select("refused").where("provider", "=", provider).execute();
    expect(counts.map((row) => Number(row.refused))).toEqual([refusedCallbackSamplePerHour + 5]);
  });

  it("a declined payment fails the subscription; the listener may subscribe again", async () => {
    const { request, subscriptionId, providerPaymentId } = await start();
    fake.settle(providerPaymentId, { status: "failed", reason: "declined" });
    expect(await deliver(providerPaymentId)).toBe("failed");
    await waitFor(async () => (await stateOf(subscriptionId)) === "failed", "failure");
    const failed = await billingEvents(database.db, request.userId, "tunec.billing.subscription-failed.v1");
    expect(failed.map((event) => event.data)).toEqual([
      expect.objectContaining({ reason: expect.objectContaining({ code: "payment_failed" }), compensation: "none" }),
    ]);
    const again = await subscribe(database.db, providers(), subscribeSettings(), { ...request, idempotencyKey: crypto.randomUUID() });
    expect(again.status).toBe(201);
    expect(again.body.subscription_id).not.toBe(subscriptionId);
  });

  it("money after the payment timed out: the subscription stays failed and the payment is refunded once", async () => {
    const { request, subscriptionId, providerPaymentId, paymentId } = await start({}, 1);
    await waitFor(async () => (await stateOf(subscriptionId)) === "failed", "the payment timeout");
    expect((await subscriptionRow(database.db, subscriptionId)).failure_reason).toBe("payment_timeout");
    fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    await Promise.all([deliver(providerPaymentId), deliver(providerPaymentId)]);
    await waitFor(async () => fake.refunds().some((refund) => refund.idempotencyKey === `refund-${paymentId}`), "the refund");
    await waitFor(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", paymentId).executeTakeFirst())?.status === "succeeded",
      "the refund to be recorded",
    );
    expect(fake.refunds().filter((refund) => refund.providerPaymentId === providerPaymentId)).toHaveLength(1);
    expect(await stateOf(subscriptionId)).toBe("failed");
    const failed = await billingEvents(database.db, request.userId, "tunec.billing.subscription-failed.v1");
    expect(failed.map((event) => [event.data.compensation, (event.data.reason as { code: string }).code])).toEqual([
      ["none", "payment_timeout"],
      ["refund_requested", "payment_timeout"],
    ]);
    expect(await billingEvents(database.db, request.userId, "tunec.billing.subscription-activated.v1")).toEqual([]);
  });

  it("an admin's refund (POST /admin/payments/{id}/refund) goes out through the saga's refund loop, once, and ends the premium it bought", async () => {
    const { request, subscriptionId, providerPaymentId, paymentId } = await start();
    fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    await deliver(providerPaymentId);
    await waitFor(async () => (await stateOf(subscriptionId)) === "active", "activation");
    const actor = { userId: crypto.randomUUID(), roles: ["admin"] };
    await requestAdminRefund(database.db, { paymentId, reason: "charged by mistake", actor });
    await expect(requestAdminRefund(database.db, { paymentId, reason: "again", actor })).rejects.toMatchObject({ code: "CONFLICT" });
    await waitFor(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", paymentId).executeTakeFirst())?.status === "succeeded",
      "the refund sent and recorded",
    );
    expect(fake.refunds().filter((refund) => refund.providerPaymentId === providerPaymentId)).toEqual([
      expect.objectContaining({ idempotencyKey: `refund-${paymentId}`, amount: { amountMinor: 29_900, currency: "RUB" } }),
    ]);
    await waitFor(async () => (await stateOf(subscriptionId)) === "expired", "the subscription ended by the refund");
    const row = await subscriptionRow(database.db, subscriptionId);
    expect(row.period_end?.getTime()).toBeLessThanOrEqual(Date.now());
    // More passes of the loop change nothing: one SubscriptionExpired, reason refunded.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const expired = await billingEvents(database.db, request.userId, "tunec.billing.subscription-expired.v1");
    expect(expired.map((event) => event.data)).toEqual([expect.objectContaining({ subscriptionId, reason: "refunded" })]);
  });

  it("without any callback, polling finds the completed payment", async () => {
    const { subscriptionId, providerPaymentId } = await start();
    fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    await waitFor(async () => (await stateOf(subscriptionId)) === "active", "activation through polling", 20_000);
  });

  it("a renewal (another method and plan) extends the period from its end", async () => {
    const first = await start({ plan: "monthly" });
    fake.settle(first.providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    await deliver(first.providerPaymentId);
    await waitFor(async () => (await stateOf(first.subscriptionId)) === "active", "activation");
    const before = await subscriptionRow(database.db, first.subscriptionId);

    // A live subscription: POST /subscribe again is a renewal of the same one.
    const renewal = await subscribe(database.db, providers(), subscribeSettings(), {
      ...first.request,
      plan: "yearly",
      method: "usdt",
      idempotencyKey: crypto.randomUUID(),
    });
    expect(renewal.body).toMatchObject({ subscription_id: first.subscriptionId, purpose: "renewal", amount: { currency: "USDT", amount_minor: 34_900_000 } });
    expect(renewal.body.instructions).toMatchObject({ kind: "usdt_trc20", amount: { currency: "USDT" } });
    const renewalPayment = usdt.payments().find((payment) => payment.paymentId === renewal.body.payment_id);
    if (!renewalPayment) throw new Error("no renewal payment at the provider");
    usdt.settle(renewalPayment.providerPaymentId, { status: "succeeded", received: { amountMinor: 34_900_000, currency: "USDT" } });
    const status = await usdt.verifyCallback(await usdt.callback("https://tunec.test/billing/callbacks/fake-usdt", renewalPayment.providerPaymentId));
    expect(await applyProviderStatus(database.db, { provider: "fake-usdt", status, callbackBody: "{}" })).toBe("completed");
    await waitFor(async () => (await subscriptionRow(database.db, first.subscriptionId)).plan === "yearly", "the renewal");
    const after = await subscriptionRow(database.db, first.subscriptionId);
    expect(after).toMatchObject({ state: "active", awaiting_payment_id: null });
    expect(after.period_start).toEqual(before.period_end);
    expect((after.period_end?.getTime() ?? 0) - (before.period_end?.getTime() ?? 0)).toBe(365 * 86_400_000);
    const activated = await billingEvents(database.db, first.request.userId, "tunec.billing.subscription-activated.v1");
    expect(activated.map((event) => event.data.renewal)).toEqual([false, true]);
  });

  it("refuses a second pending subscription, replays an Idempotency-Key, refuses its reuse for another body", async () => {
    const first = await start();
    const calls = fake.calls.create;
    const replay = await subscribe(database.db, providers(), subscribeSettings(), first.request);
    expect(replay).toEqual(first.answer);
    expect(fake.calls.create).toBe(calls);
    await expect(subscribe(database.db, providers(), subscribeSettings(), { ...first.request, requestHash: "other" })).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_REUSED",
    });
    const second = subscribe(database.db, providers(), subscribeSettings(), { ...first.request, idempotencyKey: crypto.randomUUID() });
    await expect(second).rejects.toBeInstanceOf(AppError);
    await expect(second).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("two concurrent requests with one key: one payment at the provider, the other answered or told to retry", async () => {
    const request = input();
    const calls = fake.calls.create;
    const results = await Promise.allSettled([
      subscribe(database.db, providers(), subscribeSettings(), request),
      subscribe(database.db, providers(), subscribeSettings(), request),
    ]);
    expect(fake.calls.create - calls).toBe(1);
    const answered = results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
    const refused = results.flatMap((result) => (result.status === "rejected" ? [result.reason as AppError] : []));
    expect(answered.length).toBeGreaterThanOrEqual(1);
    for (const error of refused) expect(error).toMatchObject({ code: "CONFLICT" });
    if (answered.length === 2) expect(answered[0]).toEqual(answered[1]);
    // Once the first has answered, a retry replays it.
    expect(await subscribe(database.db, providers(), subscribeSettings(), request)).toEqual(answered[0]);
  });

  it("a repeat of a request that died before answering finishes the same payment", async () => {
    const first = await start();
    // As if the process died after creating the payment and before storing the answer, a minute ago.
    await database.db
      .updateTable("billing.idempotency_keys")
      .set({ status_code: null, response: null, created_at: new Date(Date.now() - 60_000) })
      .where("user_id", "=", first.request.userId)
      .execute();
    const repeat = await subscribe(database.db, providers(), subscribeSettings(), first.request);
    expect(repeat).toEqual(first.answer);
    expect(fake.payments().filter((payment) => payment.paymentId === first.paymentId)).toHaveLength(1);
  });

  it("idempotency keys are dropped after a day", async () => {
    const { request } = await start();
    const keys = () => database.db.selectFrom("billing.idempotency_keys").select("key").where("user_id", "=", request.userId).execute();
    await dropOldIdempotencyKeys(database.db, new Date(Date.now() + 23 * 3_600_000));
    expect(await keys()).toHaveLength(1);
    await dropOldIdempotencyKeys(database.db, new Date(Date.now() + 25 * 3_600_000));
    expect(await keys()).toEqual([]);
  });

  it("a provider outage at creation answers 502, fails the payment and frees the listener to retry", async () => {
    const request = input();
    fake.failNextCreate();
    const outage = await subscribe(database.db, providers(), subscribeSettings(), request).catch((error: unknown) => error);
    expect(outage).toMatchObject({ code: "BAD_GATEWAY", detail: "The payment provider did not create the payment; try again." });
    // The provider's text is kept for the log only, never in the answer.
    expect(JSON.stringify(outage)).not.toContain("outage");
    expect((outage as Error).cause).toMatchObject({ message: "fake provider: outage" });
    const again = await subscribe(database.db, providers(), subscribeSettings(), request);
    expect(again.status).toBe(201);
    const payments = await database.db
      .selectFrom("billing.payments")
      .select(["status", "failure_code"])
      .where("user_id", "=", request.userId)
      .orderBy("created_at")
      .execute();
    expect(payments).toEqual([
      { status: "failed", failure_code: "provider_error" },
      { status: "pending", failure_code: null },
    ]);
  });

  it("an activation that cannot finish ends, on its last attempt, in a refund", async () => {
    const { request, subscriptionId, providerPaymentId, paymentId } = await start();
    // Something refuses this subscription's activation every time (a broken constraint, say).
    await sql`create function billing.test_refuse_activation() returns trigger language plpgsql as $$
      begin if new.id = ${sql.lit(subscriptionId)}::uuid and new.state = 'active' then raise exception 'activation refused by test'; end if; return new; end $$`.execute(
      database.db,
    );
    await sql`create trigger test_refuse_activation before update on billing.subscriptions for each row execute function billing.test_refuse_activation()`.execute(
      database.db,
    );
    try {
      fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
      await deliver(providerPaymentId);
      await waitFor(async () => (await stateOf(subscriptionId)) === "failed", "the compensation");
      await waitFor(async () => fake.refunds().some((refund) => refund.idempotencyKey === `refund-${paymentId}`), "the refund");
    } finally {
      await sql`drop trigger test_refuse_activation on billing.subscriptions`.execute(database.db);
      await sql`drop function billing.test_refuse_activation()`.execute(database.db);
    }
    expect((await subscriptionRow(database.db, subscriptionId)).failure_reason).toBe("activation_failed");
    const events = await billingEvents(database.db, request.userId);
    expect(events.map((event) => [event.type, event.data.compensation ?? null])).toEqual([
      ["tunec.billing.payment-completed.v1", null],
      ["tunec.billing.subscription-failed.v1", "refund_requested"],
    ]);
  });

  it("expires after the grace period, once", async () => {
    const { request, subscriptionId, providerPaymentId } = await start();
    fake.settle(providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    await deliver(providerPaymentId);
    await waitFor(async () => (await stateOf(subscriptionId)) === "active", "activation");
    const row = await subscriptionRow(database.db, subscriptionId);
    const settings = sagaSettingsOf(config());
    const later = new Date((row.period_end?.getTime() ?? 0) + settings.graceMs + 1_000);
    const steps = await Promise.all([runTimers(database.db, settings, logger, later), runTimers(database.db, settings, logger, later)]);
    expect(steps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await stateOf(subscriptionId)).toBe("expired");
    const expired = await billingEvents(database.db, request.userId, "tunec.billing.subscription-expired.v1");
    expect(expired.map((event) => event.data)).toEqual([expect.objectContaining({ subscriptionId, reason: "not_renewed" })]);
  });
});
