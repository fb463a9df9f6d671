/**
 * The adapters' callback checks inside workerd: only WebCrypto and Request,
 * nothing from Node (the contract suite runs them in Node against the sandboxes).
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../shared/config.ts";
import { paymentProvidersConfigSchema } from "./config.ts";
import { createPaymentProviders } from "./index.ts";
import { ipnSignature } from "./nowpayments/signature.ts";
import { tbankToken } from "./tbank/token.ts";

const config = parseConfig(paymentProvidersConfigSchema, { ENVIRONMENT: "test" });
const [tbank, nowpayments] = createPaymentProviders(config, () => Promise.reject(new Error("no network in this test")));

describe("payment adapters at the edge", () => {
  it("verifies a T-Bank notification by its Token and refuses a changed one", async () => {
    const fields = {
      TerminalKey: config.sbp.terminalKey,
      OrderId: crypto.randomUUID(),
      Success: true,
      Status: "CONFIRMED",
      PaymentId: 7000000001,
      ErrorCode: "0",
      Amount: 29900,
    };
    const body = { ...fields, Token: await tbankToken(fields, config.sbp.password) };
    const status = await tbank?.verifyCallback(new Request("https://edge.test/", { method: "POST", body: JSON.stringify(body) }));
    expect(status).toEqual({
      providerPaymentId: "7000000001",
      paymentId: fields.OrderId,
      state: { status: "succeeded", received: { amountMinor: 29900, currency: "RUB" } },
    });
    const changed = JSON.stringify({ ...body, Amount: 100 });
    await expect(tbank?.verifyCallback(new Request("https://edge.test/", { method: "POST", body: changed }))).rejects.toMatchObject({
      code: "PAYMENT_CALLBACK_INVALID",
    });
  });

  it("verifies a NOWPayments IPN by its HMAC-SHA512 and refuses a changed one", async () => {
    const ipn = {
      payment_id: 5000000001,
      payment_status: "waiting",
      pay_address: "TXYZ",
      price_amount: 4.99,
      price_currency: "usdttrc20",
      pay_amount: 4.99,
      actually_paid: 0,
      pay_currency: "usdttrc20",
      order_id: crypto.randomUUID(),
      order_description: "TUNEC",
    };
    const signature = await ipnSignature(ipn, config.usdt.ipnSecret);
    const request = (body: unknown) =>
      new Request("https://edge.test/", { method: "POST", headers: { "x-nowpayments-sig": signature }, body: JSON.stringify(body) });
    expect(await nowpayments?.verifyCallback(request(ipn))).toEqual({ providerPaymentId: "5000000001", paymentId: ipn.order_id, state: { status: "pending" } });
    await expect(nowpayments?.verifyCallback(request({ ...ipn, payment_status: "finished" }))).rejects.toMatchObject({ code: "PAYMENT_CALLBACK_INVALID" });
  });
});
