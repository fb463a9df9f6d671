/**
 * One contract for every PaymentProvider adapter, run against its local
 * sandbox: what the saga relies on (create, callbacks, polling, refunds) means
 * the same for SBP and USDT.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../../shared/errors.ts";
import type { SentNotification } from "../../../../origin/billing-sandbox/common.ts";
import type { CreatePaymentInput, PaymentProvider } from "./payment-provider.ts";
import { startProviderWithReceiver, type CallbackReceiver, type ReceivedCallback } from "./testing/callback-receiver.ts";
import { providerHarnesses, type ProviderHarness, type ProviderUnderTest } from "./testing/harnesses.ts";

async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
}

function asRequest(sent: SentNotification, change?: (body: Record<string, unknown>, headers: Record<string, string>) => void): Request {
  const body = JSON.parse(sent.body) as Record<string, unknown>;
  const headers = { "content-type": "application/json", ...sent.headers };
  change?.(body, headers);
  return new Request(sent.url, { method: "POST", headers, body: JSON.stringify(body) });
}

describe.each(providerHarnesses)("PaymentProvider contract: $name", (harness: ProviderHarness) => {
  let receiver: CallbackReceiver;
  let under: ProviderUnderTest;
  let provider: PaymentProvider;
  let stop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ receiver, under, provider, stop } = await startProviderWithReceiver(harness));
  });
  afterAll(() => stop());

  const input = (overrides: Partial<CreatePaymentInput> = {}): CreatePaymentInput => {
    const paymentId = crypto.randomUUID();
    return {
      paymentId,
      amount: { amountMinor: harness.amountMinor, currency: harness.currency },
      description: "TUNEC Premium, monthly",
      idempotencyKey: `key-${paymentId}`,
      expiresAt: new Date(Date.now() + 15 * 60_000),
      ...overrides,
    };
  };
  const full = { confirmations: harness.requiredConfirmations };
  const callbacksOf = (providerPaymentId: string, done: (callbacks: ReceivedCallback[]) => boolean) =>
    receiver
      .waitFor(harness.name, () => done(receiver.received(harness.name, providerPaymentId)))
      .then(() => receiver.received(harness.name, providerPaymentId));
  const states = (callbacks: ReceivedCallback[]) => callbacks.flatMap((callback) => (callback.verified ? [callback.status.state] : []));

  it("create → pay → a verified callback → getPayment agrees", async () => {
    const request = input();
    const created = await provider.createPayment(request);
    expect(created.instructions.kind).toBe(provider.method === "sbp" ? "sbp_qr" : "usdt_trc20");
    expect(await provider.getPayment(created.providerPaymentId)).toMatchObject({ paymentId: request.paymentId, state: { status: "pending" } });

    await under.sandbox.pay(created.providerPaymentId, full);
    const callbacks = await callbacksOf(created.providerPaymentId, (got) => states(got).some((state) => state.status === "succeeded"));
    const succeeded = callbacks.find((callback) => callback.verified && callback.status.state.status === "succeeded");
    expect(succeeded).toMatchObject({ status: { paymentId: request.paymentId, state: { received: request.amount } } });

    const polled = await provider.getPayment(created.providerPaymentId);
    expect(polled).toMatchObject({
      providerPaymentId: created.providerPaymentId,
      paymentId: request.paymentId,
      state: { status: "succeeded", received: request.amount },
    });
  });

  it("refuses a callback whose content was changed or whose signature is missing", async () => {
    const created = await provider.createPayment(input());
    await under.sandbox.pay(created.providerPaymentId, full);
    await under.sandbox.idle();
    const [sent] = (await under.sandbox.notifications(created.providerPaymentId)).slice(-1);
    if (!sent) throw new Error("the sandbox sent no callback");
    await expectAppError(provider.verifyCallback(asRequest(sent, (body) => harness.tamper(body))), "PAYMENT_CALLBACK_INVALID");
    await expectAppError(provider.verifyCallback(asRequest(sent, (body, headers) => harness.unsign(body, headers))), "PAYMENT_CALLBACK_INVALID");
    await expectAppError(provider.verifyCallback(new Request(sent.url, { method: "POST", body: "not json" })), "PAYMENT_CALLBACK_INVALID");
    expect((await provider.verifyCallback(asRequest(sent))).providerPaymentId).toBe(created.providerPaymentId);
  });

  it("maps a decline to failed: declined, by callback and by polling", async () => {
    const created = await provider.createPayment(input());
    await under.sandbox.decline(created.providerPaymentId);
    await callbacksOf(created.providerPaymentId, (got) => states(got).some((state) => state.status === "failed"));
    expect((await provider.getPayment(created.providerPaymentId)).state).toMatchObject({ status: "failed", reason: "declined" });
  });

  it("maps an unpaid payment past the provider's deadline to failed: expired", async () => {
    const created = await provider.createPayment(input());
    await under.sandbox.expire(created.providerPaymentId);
    const callbacks = await callbacksOf(created.providerPaymentId, (got) => states(got).some((state) => state.status === "failed"));
    expect(states(callbacks).at(-1)).toMatchObject({ status: "failed", reason: "expired" });
    expect((await provider.getPayment(created.providerPaymentId)).state).toMatchObject({ status: "failed", reason: "expired" });
  });

  it("creates one provider payment for repeats with the same key", async () => {
    const request = input();
    const first = await provider.createPayment(request);
    const again = await provider.createPayment(request);
    expect(again.providerPaymentId).toBe(first.providerPaymentId);
    expect(again.instructions).toEqual(first.instructions);

    await under.sandbox.pay(first.providerPaymentId, full);
    expect((await provider.createPayment(request)).providerPaymentId).toBe(first.providerPaymentId);
  });

  it("refunds a succeeded payment once per key, and a failed refund can be retried", async () => {
    const request = input();
    const created = await provider.createPayment(request);
    await under.sandbox.pay(created.providerPaymentId, full);
    await callbacksOf(created.providerPaymentId, (got) => states(got).some((state) => state.status === "succeeded"));

    await under.sandbox.failNextRefund(created.providerPaymentId);
    const refund = { providerPaymentId: created.providerPaymentId, amount: request.amount, idempotencyKey: `refund-${request.paymentId}` };
    await expectAppError(provider.refund(refund), "BAD_GATEWAY");
    const first = await provider.refund(refund);
    const again = await provider.refund(refund);
    expect(again.refundId).toBe(first.refundId);
    expect(harness.refundedMinor(await under.sandbox.describe(created.providerPaymentId))).toBe(request.amount.amountMinor);
  });

  it("verifies ten concurrent copies of a callback alike, and an older callback replayed after a newer one", async () => {
    const created = await provider.createPayment(input());
    await under.sandbox.pay(created.providerPaymentId, { ...full, repeat: 10 });
    const copies = await callbacksOf(created.providerPaymentId, (got) => states(got).filter((state) => state.status === "succeeded").length >= 10);
    expect(copies.every((copy) => copy.verified)).toBe(true);

    const before = receiver.received(harness.name, created.providerPaymentId).length;
    const first = (await under.sandbox.notifications(created.providerPaymentId))[0];
    await under.sandbox.replay(created.providerPaymentId, { index: 0 });
    const after = await callbacksOf(created.providerPaymentId, (got) => got.length > before);
    if (!first) throw new Error("the sandbox sent no callback");
    // The replay is the oldest callback, delivered after the newest: verified, and saying what it said then.
    expect(after.at(-1)).toEqual({ verified: true, status: await provider.verifyCallback(asRequest(first)) });
    if (harness.onChain) expect(after.at(-1)).toMatchObject({ status: { state: { status: "pending" } } });
  });

  it("tells a paid payment by polling when the callback never comes", async () => {
    const request = input();
    const created = await provider.createPayment(request);
    await under.sandbox.pay(created.providerPaymentId, { ...full, mute: true });
    await under.sandbox.idle();
    expect(receiver.received(harness.name, created.providerPaymentId)).toEqual([]);
    expect((await provider.getPayment(created.providerPaymentId)).state).toMatchObject({ status: "succeeded", received: request.amount });
  });
});

describe.each(providerHarnesses.filter((harness) => harness.onChain))("PaymentProvider contract, on-chain: $name", (harness: ProviderHarness) => {
  let receiver: CallbackReceiver;
  let under: ProviderUnderTest;
  let provider: PaymentProvider;
  let stop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ receiver, under, provider, stop } = await startProviderWithReceiver(harness));
  });
  afterAll(() => stop());

  const create = async () => {
    const paymentId = crypto.randomUUID();
    const amount = { amountMinor: harness.amountMinor, currency: harness.currency };
    const created = await provider.createPayment({
      paymentId,
      amount,
      description: "TUNEC Premium",
      idempotencyKey: paymentId,
      expiresAt: new Date(Date.now() + 600_000),
    });
    return { ...created, paymentId, amount };
  };
  const lastState = async (providerPaymentId: string, done: (state: ReceivedCallback) => boolean) => {
    await receiver.waitFor(harness.name, () => receiver.received(harness.name, providerPaymentId).some(done));
    const found = receiver.received(harness.name, providerPaymentId).filter(done).at(-1);
    return found?.verified ? found.status.state : undefined;
  };
  const is = (status: string, reason?: string) => (callback: ReceivedCallback) =>
    callback.verified &&
    callback.status.state.status === status &&
    (reason === undefined || (callback.status.state.status === "failed" && callback.status.state.reason === reason));

  it("gives every invoice its own address", async () => {
    const [first, second] = await Promise.all([create(), create()]);
    if (first.instructions.kind !== "usdt_trc20" || second.instructions.kind !== "usdt_trc20") throw new Error("not an on-chain invoice");
    expect(first.instructions.address).not.toBe(second.instructions.address);
    expect(first.instructions).toMatchObject({ amount: first.amount, requiredConfirmations: harness.requiredConfirmations });
  });

  it("reports pending with the depth until the required confirmations, then succeeded", async () => {
    const invoice = await create();
    await under.sandbox.pay(invoice.providerPaymentId, { confirmations: 1 });
    expect(await lastState(invoice.providerPaymentId, is("pending"))).toMatchObject({ status: "pending", received: invoice.amount });
    expect((await provider.getPayment(invoice.providerPaymentId)).state).toMatchObject({ status: "pending", confirmations: 1 });

    await under.sandbox.mine(harness.requiredConfirmations - 1);
    expect(await lastState(invoice.providerPaymentId, is("succeeded"))).toMatchObject({
      received: invoice.amount,
      confirmations: harness.requiredConfirmations,
    });
  });

  it("keeps an under-payment pending until expiry, then fails it as underpaid with what arrived", async () => {
    const invoice = await create();
    const short = { amountMinor: invoice.amount.amountMinor - 1_000_000, currency: invoice.amount.currency };
    await under.sandbox.pay(invoice.providerPaymentId, { amountMinor: short.amountMinor, confirmations: harness.requiredConfirmations });
    await under.sandbox.idle();
    expect((await provider.getPayment(invoice.providerPaymentId)).state).toMatchObject({ status: "pending", received: short });

    await under.sandbox.expire(invoice.providerPaymentId);
    expect(await lastState(invoice.providerPaymentId, is("failed", "underpaid"))).toMatchObject({ received: short });
    expect((await provider.getPayment(invoice.providerPaymentId)).state).toEqual({ status: "failed", reason: "underpaid", received: short });
  });

  it("succeeds an over-payment with what actually arrived", async () => {
    const invoice = await create();
    const more = { amountMinor: invoice.amount.amountMinor + 500_000, currency: invoice.amount.currency };
    await under.sandbox.pay(invoice.providerPaymentId, { amountMinor: more.amountMinor, confirmations: harness.requiredConfirmations });
    expect(await lastState(invoice.providerPaymentId, is("succeeded"))).toMatchObject({ received: more });
    expect((await provider.getPayment(invoice.providerPaymentId)).state).toMatchObject({ status: "succeeded", received: more });
  });
});
