/**
 * The payment adapters a deployment has, built from configuration: SBP through
 * T-Bank and USDT TRC-20 through NOWPayments (the sandboxes outside production).
 * @example createPaymentProviders(parseConfig(paymentProvidersConfigSchema, env))
 */
import type { FetchLike } from "./http.ts";
import type { PaymentProvidersConfig } from "./config.ts";
import { createNowPaymentsProvider } from "./nowpayments/nowpayments-provider.ts";
import type { PaymentProvider } from "./payment-provider.ts";
import { createTbankProvider } from "./tbank/tbank-provider.ts";

export function createPaymentProviders(config: PaymentProvidersConfig, fetchFn: FetchLike = (input, init) => fetch(input, init)): PaymentProvider[] {
  return [createTbankProvider(config.sbp, fetchFn), createNowPaymentsProvider(config.usdt, fetchFn)];
}

export { paymentProvidersConfigSchema, type PaymentProvidersConfig } from "./config.ts";
export type { PaymentProvider } from "./payment-provider.ts";
