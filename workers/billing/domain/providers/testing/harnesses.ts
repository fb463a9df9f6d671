/**
 * Each adapter with its sandbox, as the contract suite drives them: how to
 * start both, pay in full, and forge a callback.
 */
import { sandboxClient, type SandboxClient } from "../../../../../origin/billing-sandbox/control-client.ts";
import { startNowPaymentsSandbox } from "../../../../../origin/billing-sandbox/nowpayments-sandbox.ts";
import { startTbankSandbox } from "../../../../../origin/billing-sandbox/tbank-sandbox.ts";
import { createNowPaymentsProvider } from "../nowpayments/nowpayments-provider.ts";
import type { PaymentProvider } from "../payment-provider.ts";
import { createTbankProvider } from "../tbank/tbank-provider.ts";

export interface ProviderUnderTest {
  provider: PaymentProvider;
  sandbox: SandboxClient;
  stop(): Promise<void>;
}

export interface ProviderHarness {
  name: string;
  currency: "RUB" | "USDT";
  /** A plan price in minor units. */
  amountMinor: number;
  /** On-chain: under/over-payment and confirmations apply. */
  onChain: boolean;
  requiredConfirmations: number;
  start(notificationUrl: string): Promise<ProviderUnderTest>;
  /** Changes what a signed callback body says about money, keeping its signature. */
  tamper(body: Record<string, unknown>): void;
  /** Drops whatever makes a callback authentic. */
  unsign(body: Record<string, unknown>, headers: Record<string, string>): void;
  /** How much the sandbox says it returned for a payment. */
  refundedMinor(described: Record<string, unknown>): number;
}

export const tbankHarness: ProviderHarness = {
  name: "tbank",
  currency: "RUB",
  amountMinor: 29_900,
  onChain: false,
  requiredConfirmations: 0,
  async start(notificationUrl) {
    const secrets = { terminalKey: "TunecTestTerminal", password: "sandbox-password-0123456789" };
    const sandbox = await startTbankSandbox({ ...secrets, retryDelayMs: 50 });
    const provider = createTbankProvider({ apiUrl: sandbox.apiUrl, ...secrets, notificationUrl });
    return { provider, sandbox: sandboxClient(sandbox.url), stop: sandbox.stop };
  },
  tamper(body) {
    body.Amount = Number(body.Amount) * 100;
  },
  unsign(body) {
    delete body.Token;
  },
  refundedMinor: (described) => Number(described.Refunded),
};

export const nowPaymentsHarness: ProviderHarness = {
  name: "nowpayments",
  currency: "USDT",
  amountMinor: 4_990_000,
  onChain: true,
  requiredConfirmations: 3,
  async start(notificationUrl) {
    const account = { accountEmail: "billing@tunec.test", accountPassword: "sandbox-account-password", payoutTotpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" };
    const secrets = { apiKey: "SANDBOX-API-KEY", ipnSecret: "sandbox-ipn-secret-0123456789" };
    const sandbox = await startNowPaymentsSandbox({ ...secrets, ...account, processorConfirmations: 3, retryDelayMs: 50 });
    const provider = createNowPaymentsProvider({
      apiUrl: sandbox.apiUrl,
      tronNodeUrl: sandbox.tronNodeUrl,
      ...secrets,
      ...account,
      notificationUrl,
      requiredConfirmations: 3,
    });
    return { provider, sandbox: sandboxClient(sandbox.url), stop: sandbox.stop };
  },
  tamper(body) {
    body.actually_paid = Number(body.actually_paid) * 100;
  },
  unsign(_body, headers) {
    delete headers["x-nowpayments-sig"];
  },
  refundedMinor: (described) => Number(described.refunded),
};

export const providerHarnesses: ProviderHarness[] = [tbankHarness, nowPaymentsHarness];
