/** The payment adapters a Worker's bindings configure (wired as the adapters land). */
import { paymentProviders, type PaymentProviders } from "./payment-providers.ts";

export function workerPaymentProviders(_bindings: Record<string, unknown>): PaymentProviders {
  return paymentProviders([]);
}
