/** The sandboxes as a provider would behave: refusals, retries until acknowledged, the developer's pay page. */
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTbankRequest } from "../../workers/billing/domain/providers/tbank/token.ts";
import { listen, type RunningServer } from "./common.ts";
import { sandboxClient } from "./control-client.ts";
import { startNowPaymentsSandbox, type NowPaymentsSandbox } from "./nowpayments-sandbox.ts";
import { startTbankSandbox, type TbankSandbox } from "./tbank-sandbox.ts";

const secrets = { terminalKey: "TunecTestTerminal", password: "sandbox-password-0123456789" };

describe("payment sandboxes", () => {
  let tbank: TbankSandbox;
  let nowpayments: NowPaymentsSandbox;
  let merchant: RunningServer;
  let answers: string[] = [];
  const received: string[] = [];

  beforeAll(async () => {
    const app = new Hono();
    app.post("/notify", async (c) => {
      received.push(await c.req.text());
      return c.text(answers.shift() ?? "OK");
    });
    merchant = await listen(app, 0, "127.0.0.1");
    tbank = await startTbankSandbox({ ...secrets, retryDelayMs: 20, notificationAttempts: 3 });
    nowpayments = await startNowPaymentsSandbox({ apiKey: "K", ipnSecret: "S", accountEmail: "e@x", accountPassword: "p" });
  });
  afterAll(async () => {
    await Promise.all([tbank?.stop(), nowpayments?.stop(), merchant?.stop()]);
  });

  const v2 = async (method: string, body: unknown) =>
    (
      await fetch(`${tbank.apiUrl}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      })
    ).json() as Promise<Record<string, unknown>>;
  const init = async (orderId: string) =>
    v2("Init", await signTbankRequest({ Amount: 1000, OrderId: orderId, NotificationURL: `${merchant.url}/notify` }, secrets.terminalKey, secrets.password));

  it("T-Bank: refuses a wrong Token (204) and a body that is not JSON, in the documented error shape", async () => {
    expect(await v2("Init", { ...(await signTbankRequest({ Amount: 1000, OrderId: "o-1" }, secrets.terminalKey, "wrong")) })).toMatchObject({
      Success: false,
      ErrorCode: "204",
    });
    expect(await v2("Init", "{not json")).toMatchObject({ Success: false, ErrorCode: "9999" });
  });

  it("T-Bank: repeats a notification until the merchant answers OK", async () => {
    const created = await init(crypto.randomUUID());
    answers = ["NOT OK", "still no"];
    const control = sandboxClient(tbank.url);
    await control.pay(String(created.PaymentId));
    await control.idle();
    const [sent] = await control.notifications(String(created.PaymentId));
    expect(sent?.deliveries.map((delivery) => delivery.accepted)).toEqual([false, false, true]);
  });

  it("T-Bank: a muted change never calls back, and a replay sends the same signed bytes", async () => {
    const created = await init(crypto.randomUUID());
    const control = sandboxClient(tbank.url);
    const before = received.length;
    await control.decline(String(created.PaymentId), { mute: true });
    await control.idle();
    expect(received.length).toBe(before);
    await control.replay(String(created.PaymentId), { repeat: 3 });
    await control.idle();
    const [sent] = await control.notifications(String(created.PaymentId));
    expect(received.slice(before)).toEqual([sent?.body, sent?.body, sent?.body]);
  });

  it("serves a pay page whose form pays the payment", async () => {
    const created = await init(crypto.randomUUID());
    const page = await fetch(`${tbank.url}/_sandbox/pay/${created.PaymentId}`);
    expect(await page.text()).toContain("<button>Pay</button>");
    const paid = await fetch(`${tbank.url}/_sandbox/pay/${created.PaymentId}`, {
      method: "POST",
      body: new URLSearchParams({ action: "pay" }),
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    expect(await sandboxClient(tbank.url).describe(String(created.PaymentId))).toMatchObject({ Status: "CONFIRMED" });
  });

  it("NOWPayments: needs the API key, and a login for the payment list and payouts", async () => {
    expect((await fetch(`${nowpayments.apiUrl}/payment/1`)).status).toBe(403);
    expect((await fetch(`${nowpayments.apiUrl}/payment/`, { headers: { "x-api-key": "K" } })).status).toBe(401);
    const login = await fetch(`${nowpayments.apiUrl}/auth`, { method: "POST", body: JSON.stringify({ email: "e@x", password: "nope" }) });
    expect(login.status).toBe(401);
    expect((await fetch(`${nowpayments.apiUrl}/payment`, { method: "POST", headers: { "x-api-key": "K" }, body: "{" })).status).toBe(400);
  });
});
