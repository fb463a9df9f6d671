/** What only the USDT adapter does: the IPN signature, its own confirmation count, refunds to the sender. */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../../../shared/errors.ts";
import { sandboxClient } from "../../../../../origin/billing-sandbox/control-client.ts";
import { startNowPaymentsSandbox, type NowPaymentsSandbox } from "../../../../../origin/billing-sandbox/nowpayments-sandbox.ts";
import { createNowPaymentsProvider, type NowPaymentsProviderConfig } from "./nowpayments-provider.ts";
import { ipnSignature } from "./signature.ts";
import { totp } from "./totp.ts";

const secrets = { apiKey: "SANDBOX-API-KEY", ipnSecret: "sandbox-ipn-secret-0123456789" };
const account = { accountEmail: "billing@tunec.test", accountPassword: "sandbox-account-password" };
const payoutTotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("NOWPayments IPN signature", () => {
  it("is HMAC-SHA512 over the body with its keys sorted", async () => {
    const body = { payment_status: "finished", actually_paid: 4.99, payment_id: 5077125051, fee: { depositFee: 0, currency: "usdttrc20" } };
    const sorted = '{"actually_paid":4.99,"fee":{"currency":"usdttrc20","depositFee":0},"payment_id":5077125051,"payment_status":"finished"}';
    expect(await ipnSignature(body, "secret")).toBe(createHmac("sha512", "secret").update(sorted).digest("hex"));
  });
});

describe("NOWPayments adapter on the sandbox", () => {
  let sandbox: NowPaymentsSandbox;
  beforeAll(async () => {
    sandbox = await startNowPaymentsSandbox({ ...secrets, ...account, payoutTotpSecret, processorConfirmations: 3, retryDelayMs: 50 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const providerWith = (overrides: Partial<NowPaymentsProviderConfig> = {}) =>
    createNowPaymentsProvider({ apiUrl: sandbox.apiUrl, tronNodeUrl: sandbox.tronNodeUrl, ...secrets, ...account, requiredConfirmations: 3, ...overrides });
  const input = () => {
    const paymentId = crypto.randomUUID();
    return {
      paymentId,
      amount: { amountMinor: 4_990_000, currency: "USDT" as const },
      description: "TUNEC",
      idempotencyKey: paymentId,
      expiresAt: new Date(Date.now() + 600_000),
    };
  };

  it("waits for its own confirmation count even when the processor calls the payment finished", async () => {
    const provider = providerWith({ requiredConfirmations: 5 });
    const control = sandboxClient(sandbox.url);
    const created = await provider.createPayment(input());
    await control.pay(created.providerPaymentId, { confirmations: 3 });
    expect((await control.describe(created.providerPaymentId)).payment_status).toBe("finished");
    expect((await provider.getPayment(created.providerPaymentId)).state).toMatchObject({ status: "pending", confirmations: 3 });
    await control.mine(2);
    expect((await provider.getPayment(created.providerPaymentId)).state).toMatchObject({ status: "succeeded", confirmations: 5 });
  });

  it("refunds to the address the transfer came from, verifying the payout with the 2FA code", async () => {
    const provider = providerWith({ payoutTotpSecret });
    const control = sandboxClient(sandbox.url);
    const request = input();
    const created = await provider.createPayment(request);
    await control.pay(created.providerPaymentId, { confirmations: 3 });
    const refund = await provider.refund({ providerPaymentId: created.providerPaymentId, amount: request.amount, idempotencyKey: `r-${request.paymentId}` });
    expect(refund.status).toBe("pending");
    expect(await control.describe(created.providerPaymentId)).toMatchObject({
      refunded: request.amount.amountMinor,
      payouts: [{ id: refund.refundId, status: "WAITING" }],
    });
  });

  it("leaves a payout waiting for a person without the 2FA secret, and verifies it on a repeat that has it", async () => {
    const control = sandboxClient(sandbox.url);
    const request = input();
    const created = await providerWith().createPayment(request);
    await control.pay(created.providerPaymentId, { confirmations: 3 });
    const refund = { providerPaymentId: created.providerPaymentId, amount: request.amount, idempotencyKey: `r-${request.paymentId}` };
    await providerWith().refund(refund);
    expect((await control.describe(created.providerPaymentId)).payouts).toMatchObject([{ status: "CREATING" }]);
    await providerWith({ payoutTotpSecret }).refund(refund);
    expect((await control.describe(created.providerPaymentId)).payouts).toMatchObject([{ status: "WAITING" }]);
  });

  it("the sandbox refuses a payout verification with a stale code", async () => {
    const control = sandboxClient(sandbox.url);
    const request = input();
    const created = await providerWith().createPayment(request);
    await control.pay(created.providerPaymentId, { confirmations: 3 });
    await providerWith().refund({ providerPaymentId: created.providerPaymentId, amount: request.amount, idempotencyKey: `r-${request.paymentId}` });
    const [payout] = (await control.describe(created.providerPaymentId)).payouts as Array<{ batch: string }>;
    const login = (await (
      await fetch(`${sandbox.apiUrl}/auth`, { method: "POST", body: JSON.stringify({ email: account.accountEmail, password: account.accountPassword }) })
    ).json()) as { token: string };
    const staleCode = await totp(payoutTotpSecret, new Date(Date.now() - 3_600_000));
    const response = await fetch(`${sandbox.apiUrl}/payout/${payout?.batch}/verify`, {
      method: "POST",
      headers: { "x-api-key": secrets.apiKey, authorization: `Bearer ${login.token}` },
      body: JSON.stringify({ verification_code: staleCode }),
    });
    expect(response.status).toBe(400);
    expect((await control.describe(created.providerPaymentId)).payouts).toMatchObject([{ status: "CREATING" }]);
  });

  it("cannot refund without the account login, and says so", async () => {
    const provider = providerWith({ accountEmail: undefined, accountPassword: undefined });
    const error = await provider
      .refund({ providerPaymentId: "1", amount: { amountMinor: 1, currency: "USDT" }, idempotencyKey: "k" })
      .catch((thrown: unknown) => thrown);
    expect((error as AppError).code).toBe("SERVICE_UNAVAILABLE");
  });

  it("fails with BAD_GATEWAY on a wrong API key", async () => {
    const error = await providerWith({ apiKey: "wrong", accountEmail: undefined })
      .createPayment(input())
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_GATEWAY");
  });
});
