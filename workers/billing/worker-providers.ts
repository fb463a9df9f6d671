/** The payment adapters a Worker's bindings configure: T-Bank SBP and NOWPayments USDT (sandboxes outside production). */
import { parseConfig } from "../../shared/config.ts";
import { paymentProviders, type PaymentProviders } from "./domain/payment-providers.ts";
import { createPaymentProviders, paymentProvidersConfigSchema } from "./domain/providers/index.ts";

/** Throws ConfigError on bad settings (the caller answers 503). */
export function workerPaymentProviders(bindings: Record<string, unknown>): PaymentProviders {
  return paymentProviders(createPaymentProviders(parseConfig(paymentProvidersConfigSchema, bindings)));
}
