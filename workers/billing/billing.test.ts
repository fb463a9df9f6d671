import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { strongPassword, uniqueEmail, type Tokens } from "../auth/testing.ts";
import { withDb } from "../ingestion/testing.ts";
import { base, billingApp, subscribeRequest } from "./testing/edge-app.ts";

interface Subscribed {
  subscription_id: string;
  payment_id: string;
  purpose: string;
  amount: { amount_minor: number; currency: string };
  instructions: { kind: string; confirmation_url?: string; address?: string };
}

type Request = ReturnType<typeof billingApp>["request"];

/** A listener signed in through `request`'s app (its signing keys are its own). */
async function signUpOn(request: Request): Promise<{ token: string; userId: string }> {
  const email = uniqueEmail("subscriber");
  const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect((await request("/auth/register", json({ email, password: strongPassword }))).status).toBe(202);
  const login = await request("/auth/login", json({ email, password: strongPassword }));
  const tokens = await login.json<Tokens>();
  return { token: tokens.access_token, userId: String(decodeJwt(tokens.access_token).sub) };
}

describe("billing at the edge: who may subscribe", () => {
  it("POST /subscribe and GET /subscription need an access token (401)", async () => {
    const { request } = billingApp();
    const anonymous = await request("/subscribe", subscribeRequest(null, { plan: "monthly", method: "sbp" }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json");
    expect((await request("/subscription")).status).toBe(401);
    const forged = await request("/subscription", { headers: { authorization: "Bearer not.a.token" } });
    expect(forged.status).toBe(401);
  });

  it("refuses a bad body or a missing Idempotency-Key with 400 and the field", async () => {
    const { request, sbp } = billingApp();
    const { token } = await signUpOn(request);
    const noKey = await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp" }, null));
    expect(noKey.status).toBe(400);
    expect(await noKey.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [expect.objectContaining({ field: "header.idempotency-key" })] });
    const badPlan = await request("/subscribe", subscribeRequest(token, { plan: "weekly", method: "sbp" }));
    expect(badPlan.status).toBe(400);
    expect(await badPlan.json()).toMatchObject({ errors: [expect.objectContaining({ field: "body.plan" })] });
    const badMethod = await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "card" }));
    expect(badMethod.status).toBe(400);
    expect((await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp", price: 1 }))).status).toBe(400);
    const malformed = await request("/subscribe", { ...subscribeRequest(token, {}), body: "{" });
    expect(malformed.status).toBe(400);
    expect(sbp.calls.create).toBe(0);
  });
});

describe("billing at the edge: subscribing", () => {
  it("answers 201 with the SBP QR, replays it for the same key, refuses the key for another body and a second pending subscription", async () => {
    const { request, sbp } = billingApp();
    const { token, userId } = await signUpOn(request);
    const key = crypto.randomUUID();
    const first = await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp" }, key));
    expect(first.status).toBe(201);
    const created = await first.json<Subscribed>();
    expect(created).toMatchObject({ purpose: "initial", amount: { amount_minor: 29_900, currency: "RUB" }, instructions: { kind: "sbp_qr" } });
    expect(created.instructions.confirmation_url).toMatch(/^https:\/\/qr\.nspk\.ru\//);

    const replay = await request("/subscribe", subscribeRequest(token, { method: "sbp", plan: "monthly" }, key));
    expect(replay.status).toBe(201);
    expect(await replay.json()).toEqual(created);
    expect(sbp.calls.create).toBe(1);

    const reused = await request("/subscribe", subscribeRequest(token, { plan: "yearly", method: "sbp" }, key));
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    const second = await request("/subscribe", subscribeRequest(token, { plan: "yearly", method: "usdt" }));
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ code: "CONFLICT" });

    const view = await request("/subscription", { headers: { authorization: `Bearer ${token}` } });
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({
      state: "awaiting_payment",
      subscription_id: created.subscription_id,
      pending_payment_id: created.payment_id,
      pending_payment: { payment_id: created.payment_id, method: "sbp", instructions: created.instructions },
      current_period: null,
      payments: [{ payment_id: created.payment_id, status: "pending", method: "sbp", refund: null }],
    });
    const keys = await withDb((db) => db.selectFrom("billing.idempotency_keys").select(["status_code", "payment_id"]).where("user_id", "=", userId).execute());
    expect(keys).toEqual([{ status_code: 201, payment_id: created.payment_id }]);
  });

  it("a USDT invoice is priced in USDT; a provider outage is a 502 and the listener may retry at once", async () => {
    const { request, usdt } = billingApp();
    const { token } = await signUpOn(request);
    usdt.failNextCreate();
    const outage = await request("/subscribe", subscribeRequest(token, { plan: "yearly", method: "usdt" }));
    expect(outage.status).toBe(502);
    const retried = await request("/subscribe", subscribeRequest(token, { plan: "yearly", method: "usdt" }));
    expect(retried.status).toBe(201);
    expect(await retried.json()).toMatchObject({
      amount: { amount_minor: 34_900_000, currency: "USDT" },
      instructions: { kind: "usdt_trc20", address: expect.any(String) },
    });
  });

  it("a new listener's subscription is state none", async () => {
    const { request } = billingApp();
    const { token } = await signUpOn(request);
    const view = await request("/subscription", { headers: { authorization: `Bearer ${token}` } });
    expect(await view.json()).toEqual({
      state: "none",
      subscription_id: null,
      plan: null,
      current_period: null,
      renewal_date: null,
      premium_until: null,
      pending_payment_id: null,
      pending_payment: null,
      failure_reason: null,
      payments: [],
    });
  });
});

describe("billing at the edge: provider callbacks", () => {
  it("10 identical callbacks at once: all answered OK, one completion, one PaymentCompleted event", async () => {
    const { request, sbp } = billingApp();
    const { token, userId } = await signUpOn(request);
    const created = await (await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp" }))).json<Subscribed>();
    const payment = sbp.payments().find((p) => p.paymentId === created.payment_id);
    if (!payment) throw new Error("no payment at the provider");
    sbp.settle(payment.providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    const responses = await Promise.all(
      Array.from({ length: 10 }, async () =>
        request("/billing/callbacks/fake-sbp", await sbp.callback(`${base}/billing/callbacks/fake-sbp`, payment.providerPaymentId)),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(await Promise.all(responses.map((response) => response.text()))).toEqual(Array(10).fill("OK"));
    const { events, callbacks, status } = await withDb(async (db) => ({
      events: await db.selectFrom("events.outbox").select("type").where("key", "=", userId).where("type", "like", "tunec.billing.%").execute(),
      callbacks: await db.selectFrom("billing.callbacks").select("outcome").where("payment_id", "=", created.payment_id).execute(),
      status: (await db.selectFrom("billing.payments").select("status").where("id", "=", created.payment_id).executeTakeFirstOrThrow()).status,
    }));
    expect(events).toEqual([{ type: "tunec.billing.payment-completed.v1" }]);
    expect(callbacks.map((row) => row.outcome).sort()).toEqual(["completed", ...Array(9).fill("unchanged")]);
    expect(status).toBe("succeeded");
  });

  it("a forged callback is refused (400) and recorded as unverified; an unknown provider is 404", async () => {
    const { request, sbp } = billingApp();
    const { token } = await signUpOn(request);
    const created = await (await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp" }))).json<Subscribed>();
    const payment = sbp.payments().find((p) => p.paymentId === created.payment_id);
    if (!payment) throw new Error("no payment at the provider");
    const body = JSON.stringify({
      providerPaymentId: payment.providerPaymentId,
      paymentId: created.payment_id,
      state: { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } },
    });
    const forged = await request("/billing/callbacks/fake-sbp", {
      method: "POST",
      headers: { "content-type": "application/json", "x-fake-signature": "00" },
      body,
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: "PAYMENT_CALLBACK_INVALID" });
    const { status, rejected } = await withDb(async (db) => ({
      status: (await db.selectFrom("billing.payments").select("status").where("id", "=", created.payment_id).executeTakeFirstOrThrow()).status,
      rejected: await db.selectFrom("billing.callbacks").select(["verified", "outcome"]).where("body", "=", body).execute(),
    }));
    expect(status).toBe("pending");
    expect(rejected).toEqual([{ verified: false, outcome: "rejected" }]);
    const unknown = await request("/billing/callbacks/nobody", { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    // Public and recorded when refused: an oversized body is cut off before anything is stored.
    const huge = JSON.stringify({ paymentId: created.payment_id, padding: "x".repeat(100 * 1024) });
    const oversized = await request("/billing/callbacks/fake-sbp", { method: "POST", headers: { "content-type": "application/json" }, body: huge });
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(await withDb((db) => db.selectFrom("billing.callbacks").select("id").where("body", "=", huge).execute())).toEqual([]);
  });

  it("a genuine callback about an order that is not ours is acknowledged and changes nothing", async () => {
    const { request, sbp } = billingApp();
    const { token } = await signUpOn(request);
    const created = await (await request("/subscribe", subscribeRequest(token, { plan: "monthly", method: "sbp" }))).json<Subscribed>();
    const payment = sbp.payments().find((p) => p.paymentId === created.payment_id);
    if (!payment) throw new Error("no payment at the provider");
    payment.paymentId = "order-of-another-shop";
    sbp.settle(payment.providerPaymentId, { status: "succeeded", received: { amountMinor: 29_900, currency: "RUB" } });
    const response = await request("/billing/callbacks/fake-sbp", await sbp.callback(`${base}/billing/callbacks/fake-sbp`, payment.providerPaymentId));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("OK");
    const status = await withDb(
      async (db) => (await db.selectFrom("billing.payments").select("status").where("id", "=", created.payment_id).executeTakeFirstOrThrow()).status,
    );
    expect(status).toBe("pending");
  });
});
