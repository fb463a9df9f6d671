/** The origin's payment adapters, from configuration (refunds and status polling need them). */
import type { NodeConfig } from "../../shared/config.ts";
import { paymentProviders, type PaymentProviders } from "../../workers/billing/payment-providers.ts";

export function originPaymentProviders(_config: NodeConfig): PaymentProviders {
  return paymentProviders([]);
}
