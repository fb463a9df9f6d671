/** What only the T-Bank adapter does: its Token, the RedirectDueDate deadline, terminal and password checks. */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../../../../shared/errors.ts";
import { startTbankSandbox, type TbankSandbox } from "../../../../../origin/billing-sandbox/tbank-sandbox.ts";
import { createTbankProvider } from "./tbank-provider.ts";
import { tbankToken } from "./token.ts";

const secrets = { terminalKey: "TunecTestTerminal", password: "sandbox-password-0123456789" };

describe("T-Bank Token", () => {
  it("hashes the sorted root scalar values with the password, as the documentation's example", async () => {
    const request = {
      TerminalKey: "MerchantTerminalKey",
      Amount: 19200,
      OrderId: "00000",
      Description: "Подарочная карта на 1000 рублей",
      DATA: { Email: "a@test.com" },
      Receipt: { Items: [] },
    };
    const concatenated = "19200" + "Подарочная карта на 1000 рублей" + "00000" + "11111111111111" + "MerchantTerminalKey";
    expect(await tbankToken(request, "11111111111111")).toBe(createHash("sha256").update(concatenated, "utf8").digest("hex"));
  });

  it("writes booleans as true/false and leaves out the Token itself", async () => {
    const fields = { Success: true, Amount: 100, Token: "anything" };
    expect(await tbankToken(fields, "p")).toBe(createHash("sha256").update("100ptrue").digest("hex"));
  });
});

describe("T-Bank adapter on the sandbox", () => {
  let sandbox: TbankSandbox;
  beforeAll(async () => {
    sandbox = await startTbankSandbox({ ...secrets, retryDelayMs: 50 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const input = (expiresAt: Date) => {
    const paymentId = crypto.randomUUID();
    return { paymentId, amount: { amountMinor: 29_900, currency: "RUB" as const }, description: "TUNEC", idempotencyKey: paymentId, expiresAt };
  };

  it("expires the payment at the expiresAt it was created with (RedirectDueDate)", async () => {
    const provider = createTbankProvider({ apiUrl: sandbox.apiUrl, ...secrets });
    const created = await provider.createPayment(input(new Date(Date.now() + 1_000)));
    const deadline = Date.now() + 5_000;
    let state = (await provider.getPayment(created.providerPaymentId)).state;
    while (state.status === "pending" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (await provider.getPayment(created.providerPaymentId)).state;
    }
    expect(state).toEqual({ status: "failed", reason: "expired" });
  });

  it("fails with BAD_GATEWAY when the provider refuses the Token (wrong password)", async () => {
    const provider = createTbankProvider({ apiUrl: sandbox.apiUrl, terminalKey: secrets.terminalKey, password: "wrong" });
    const error = await provider.createPayment(input(new Date(Date.now() + 60_000))).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("BAD_GATEWAY");
    expect((error as AppError).detail).toContain("204");
  });

  it("refuses a correctly signed notification for another terminal", async () => {
    const provider = createTbankProvider({ apiUrl: sandbox.apiUrl, ...secrets });
    const fields = { TerminalKey: "SomeoneElse", OrderId: crypto.randomUUID(), Success: true, Status: "CONFIRMED", PaymentId: 1, ErrorCode: "0", Amount: 100 };
    const body = JSON.stringify({ ...fields, Token: await tbankToken(fields, secrets.password) });
    const error = await provider.verifyCallback(new Request("http://x/", { method: "POST", body })).catch((thrown: unknown) => thrown);
    expect((error as AppError).code).toBe("PAYMENT_CALLBACK_INVALID");
  });

  it("answers notifications with OK", async () => {
    const provider = createTbankProvider({ apiUrl: sandbox.apiUrl, ...secrets });
    expect(await provider.acknowledge?.().text()).toBe("OK");
  });
});
