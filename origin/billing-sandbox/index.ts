/**
 * Both payment sandboxes in one call, with the credentials and ports of the
 * payment configuration, for `npm start`, `npm run sandbox:payments` and tests.
 */
import type { Logger } from "../../shared/logger.ts";
import type { PaymentProvidersConfig } from "../../workers/billing/domain/providers/config.ts";
import { startNowPaymentsSandbox, type NowPaymentsSandbox } from "./nowpayments-sandbox.ts";
import { startTbankSandbox, type TbankSandbox } from "./tbank-sandbox.ts";

export interface PaymentSandboxes {
  sbp: TbankSandbox;
  usdt: NowPaymentsSandbox;
  stop(): Promise<void>;
}

export async function startPaymentSandboxes(
  config: PaymentProvidersConfig,
  options: { logger?: Logger; ports?: { sbp: number; usdt: number } } = {},
): Promise<PaymentSandboxes> {
  const host = config.sandbox.host;
  const sbp = await startTbankSandbox({
    terminalKey: config.sbp.terminalKey,
    password: config.sbp.password,
    host,
    port: options.ports?.sbp ?? config.sandbox.sbpPort,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let usdt: NowPaymentsSandbox;
  try {
    usdt = await startNowPaymentsSandbox({
      apiKey: config.usdt.apiKey,
      ipnSecret: config.usdt.ipnSecret,
      accountEmail: config.usdt.accountEmail ?? "",
      accountPassword: config.usdt.accountPassword ?? "",
      ...(config.usdt.payoutTotpSecret ? { payoutTotpSecret: config.usdt.payoutTotpSecret } : {}),
      processorConfirmations: config.usdt.requiredConfirmations,
      host,
      port: options.ports?.usdt ?? config.sandbox.usdtPort,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } catch (error) {
    await sbp.stop();
    throw error;
  }
  return {
    sbp,
    usdt,
    stop: async () => {
      await Promise.all([sbp.stop(), usdt.stop()]);
    },
  };
}
