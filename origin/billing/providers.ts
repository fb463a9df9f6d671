/** The origin's payment adapters (refunds, status polling), from the process environment like the edge's bindings. */
import type { NodeConfig } from "../../shared/config.ts";
import { parseConfig } from "../../shared/config.ts";
import { paymentProviders, type PaymentProviders } from "../../workers/billing/domain/payment-providers.ts";
import { createPaymentProviders, paymentProvidersConfigSchema } from "../../workers/billing/domain/providers/index.ts";

// nodeConfigSchema keeps only its own keys, so the adapters' settings come from the environment itself.
export function originPaymentProviders(_config: NodeConfig, env: Record<string, unknown> = process.env): PaymentProviders {
  return paymentProviders(createPaymentProviders(parseConfig(paymentProvidersConfigSchema, env)));
}
