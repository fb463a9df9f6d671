/**
 * The billing flow against the T-Bank and NOWPayments sandboxes: real
 * adapters, the gateway's callback route served over HTTP (the sandboxes call
 * it, signed, repeated, muted), and the saga service consuming the events.
 */
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { paymentProviders, type PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { createPaymentProviders, paymentProvidersConfigSchema } from "../../workers/billing/domain/providers/index.ts";
import { subscribe } from "../../workers/billing/domain/subscribe.ts";
import { createGatewayApp } from "../../workers/gateway/app.ts";
import { startPaymentSandboxes, type PaymentSandboxes } from "../billing-sandbox/index.ts";
import { sandboxClient } from "../billing-sandbox/control-client.ts";
import { waitFor } from "../events/consumer/testing.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { createSagaService } from "./service.ts";
import { billingEvents, ensureBillingTopics, startRelay, subscribeSettings, subscriptionRow } from "./testing/harness.ts";

describe.each(databaseKinds())("billing against the payment sandboxes on %s", (kind) => {
  const logger = createLogger({ service: "sandbox-flow-test" }, "error");
  let database: TestDatabase;
  let sandboxes: PaymentSandboxes;
  let providers: PaymentProviders;
  let server: ServerType;
  let backbone: EventBackbone;
  let relay: ReturnType<typeof startRelay>;
  let saga: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    sandboxes = await startPaymentSandboxes(parseConfig(paymentProvidersConfigSchema, { ENVIRONMENT: "test" }), { ports: { sbp: 0, usdt: 0 } });
    // The gateway app in Node with the configured adapters; the sandboxes call its callback route.
    const app = createGatewayApp({
      logLevel: "error",
      services: () => ({ services: { db: database.db, payments: providers }, release: async () => undefined }),
    });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: (request) => app.fetch(request, {}), port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(info.port));
    });
    providers = paymentProviders(
      createPaymentProviders(
        parseConfig(paymentProvidersConfigSchema, {
          ENVIRONMENT: "test",
          SBP_API_URL: sandboxes.sbp.apiUrl,
          USDT_API_URL: sandboxes.usdt.apiUrl,
          USDT_TRON_NODE_URL: sandboxes.usdt.tronNodeUrl,
          BILLING_CALLBACK_BASE_URL: `http://127.0.0.1:${port}`,
        }),
      ),
    );
    const config = {
      ...parseConfig(nodeConfigSchema, {
        DATABASE_URL: database.url,
        BILLING_TICK_MS: "100",
        BILLING_POLL_AFTER_SECONDS: "1",
        BILLING_CALLBACK_SLACK_SECONDS: "0",
      }),
      DATABASE_URL: database.url,
    };
    backbone = createEventLog(config, database.db, logger);
    await ensureBillingTopics(backbone);
    relay = startRelay(database.db, backbone, logger);
    saga = await createSagaService({ providers: () => providers }).start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await saga?.stop();
    await relay?.stop();
    await backbone?.log.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await sandboxes?.stop();
    await database?.drop();
  });

  const open = async (method: "sbp" | "usdt", ttlMs?: number) => {
    const userId = crypto.randomUUID();
    const answer = await subscribe(database.db, providers, subscribeSettings(ttlMs), {
      userId,
      plan: "monthly",
      method,
      idempotencyKey: crypto.randomUUID(),
      requestHash: "h",
    });
    const payment = await database.db.selectFrom("billing.payments").selectAll().where("id", "=", String(answer.body.payment_id)).executeTakeFirstOrThrow();
    return { userId, answer, subscriptionId: payment.subscription_id, paymentId: payment.id, providerPaymentId: payment.provider_payment_id ?? "" };
  };
  const state = async (id: string) => (await subscriptionRow(database.db, id)).state;

  it("SBP: the sandbox calls back 10 times at once; one completion, one activation; all answered OK", async () => {
    const sbp = sandboxClient(sandboxes.sbp.url);
    const { userId, answer, subscriptionId, providerPaymentId } = await open("sbp");
    expect(answer.body.instructions).toMatchObject({ kind: "sbp_qr" });
    await sbp.pay(providerPaymentId, { repeat: 10 });
    await sbp.idle();
    await waitFor(async () => (await state(subscriptionId)) === "active", "activation");
    await relay.flush();
    const types = (await billingEvents(database.db, userId)).map((event) => event.type);
    expect(types).toEqual(["tunec.billing.payment-completed.v1", "tunec.billing.subscription-activated.v1"]);
    // Every copy was answered OK on its first delivery (T-Bank repeats otherwise).
    const deliveries = (await sbp.notifications(providerPaymentId))
      .filter((notification) => notification.status === "CONFIRMED")
      .flatMap((notification) => notification.deliveries);
    expect(deliveries).toHaveLength(10);
    expect(deliveries.every((delivery) => delivery.accepted && delivery.httpStatus === 200)).toBe(true);
    const callbacks = await database.db.selectFrom("billing.callbacks").select("outcome").where("provider_payment_id", "=", providerPaymentId).execute();
    expect(callbacks.map((row) => row.outcome).sort()).toEqual(["completed", ...Array(9).fill("unchanged")]);
  });

  it("USDT: the invoice is paid on chain and confirmed; the subscription activates", async () => {
    const { subscriptionId, providerPaymentId, answer } = await open("usdt");
    expect(answer.body).toMatchObject({ amount: { currency: "USDT" }, instructions: { kind: "usdt_trc20" } });
    // The processor keeps its invoice open longer than our 15 minutes: the saga waits for the later deadline.
    const invoiceExpiry = (answer.body.instructions as { expires_at: string }).expires_at;
    expect(new Date(invoiceExpiry).getTime()).toBeGreaterThan(Date.now() + 15 * 60_000);
    expect(answer.body.expires_at).toBe(new Date(invoiceExpiry).toISOString());
    expect((await subscriptionRow(database.db, subscriptionId)).awaiting_deadline?.toISOString()).toBe(new Date(invoiceExpiry).toISOString());
    await sandboxClient(sandboxes.usdt.url).pay(providerPaymentId);
    await waitFor(async () => (await state(subscriptionId)) === "active", "activation by USDT", 20_000);
  });

  it("USDT over-paid: activates and sends the excess back, once", async () => {
    const { subscriptionId, providerPaymentId, paymentId, answer } = await open("usdt");
    const price = (answer.body.amount as { amount_minor: number }).amount_minor;
    await sandboxClient(sandboxes.usdt.url).pay(providerPaymentId, { amountMinor: price + 1_000_000 });
    await waitFor(async () => (await state(subscriptionId)) === "active", "activation by USDT", 20_000);
    await waitFor(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", paymentId).executeTakeFirst())?.status !== "requested",
      "the excess refund",
      20_000,
    );
    const refund = await database.db.selectFrom("billing.refunds").selectAll().where("payment_id", "=", paymentId).executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ amount_minor: "1000000", currency: "USDT", idempotency_key: `refund-${paymentId}` });
    expect(refund.status === "accepted" || refund.status === "succeeded").toBe(true);
  });

  it("USDT under-paid and expired: the subscription fails and what arrived goes back", async () => {
    const { subscriptionId, providerPaymentId, paymentId, answer } = await open("usdt");
    const price = (answer.body.amount as { amount_minor: number }).amount_minor;
    const usdt = sandboxClient(sandboxes.usdt.url);
    await usdt.pay(providerPaymentId, { amountMinor: price - 1_000_000 });
    await usdt.expire(providerPaymentId);
    await waitFor(async () => (await state(subscriptionId)) === "failed", "the failure", 20_000);
    await waitFor(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", paymentId).executeTakeFirst())?.status !== "requested",
      "the refund",
      20_000,
    );
    const refund = await database.db.selectFrom("billing.refunds").selectAll().where("payment_id", "=", paymentId).executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ amount_minor: String(price - 1_000_000), currency: "USDT" });
    const payment = await database.db.selectFrom("billing.payments").select(["status", "failure_code"]).where("id", "=", paymentId).executeTakeFirstOrThrow();
    expect(payment).toEqual({ status: "failed", failure_code: "underpaid" });
  });

  it("SBP declined: the subscription fails", async () => {
    const { subscriptionId, providerPaymentId } = await open("sbp");
    await sandboxClient(sandboxes.sbp.url).decline(providerPaymentId);
    await waitFor(async () => (await state(subscriptionId)) === "failed", "failure");
    expect((await subscriptionRow(database.db, subscriptionId)).failure_reason).toBe("payment_failed");
  });

  it("SBP callback lost: polling finds the payment", async () => {
    const { subscriptionId, providerPaymentId } = await open("sbp");
    await sandboxClient(sandboxes.sbp.url).pay(providerPaymentId, { mute: true });
    await waitFor(async () => (await state(subscriptionId)) === "active", "activation by polling", 20_000);
  });

  it("SBP money after the saga timed out: refunded at the provider, once", async () => {
    const { subscriptionId, providerPaymentId, paymentId } = await open("sbp");
    await database.db
      .updateTable("billing.subscriptions")
      .set({ awaiting_deadline: new Date(Date.now() - 60_000) })
      .where("id", "=", subscriptionId)
      .execute();
    await waitFor(async () => (await state(subscriptionId)) === "failed", "the timeout");
    const sbp = sandboxClient(sandboxes.sbp.url);
    await sbp.pay(providerPaymentId, { repeat: 3 });
    await waitFor(
      async () =>
        (await database.db.selectFrom("billing.refunds").select("status").where("payment_id", "=", paymentId).executeTakeFirst())?.status === "succeeded",
      "the refund",
    );
    expect(await sbp.describe(providerPaymentId)).toMatchObject({ Status: "REFUNDED", Refunded: 29_900 });
    expect(await state(subscriptionId)).toBe("failed");
  });
});
