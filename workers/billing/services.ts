/**
 * The billing context's settings and payment adapters at the edge. Adapters
 * come from the request's services when the runtime (or a test) wired them,
 * otherwise from the Worker's bindings (workers/billing/worker-providers.ts).
 */
import type { Context } from "hono";
import { z } from "zod";
import { ConfigError, parseConfig } from "../../shared/config.ts";
import { AppError } from "../../shared/errors.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import type { PaymentProviders } from "./domain/payment-providers.ts";
import { priceConfigSchema } from "./domain/plans.ts";
import type { SubscribeSettings } from "./domain/subscribe.ts";
import { workerPaymentProviders } from "./worker-providers.ts";

export const billingEdgeConfigSchema = priceConfigSchema.extend({
  /** How long a QR / invoice may be paid. */
  BILLING_PAYMENT_TTL_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(60).max(86_400).default(900),
});

export interface BillingServices {
  providers: PaymentProviders;
  settings: SubscribeSettings;
}

// A deliberate isolate cache, keyed by the bindings object.
const cache = new WeakMap<object, BillingServices>();

export function billingServices(c: Context<GatewayEnv>): BillingServices {
  const env: unknown = c.env;
  const bindings = typeof env === "object" && env !== null ? (env as Record<string, unknown>) : {};
  let services = cache.get(bindings);
  if (!services) {
    try {
      const config = parseConfig(billingEdgeConfigSchema, bindings);
      services = {
        providers: c.get("services").payments ?? workerPaymentProviders(bindings),
        settings: { prices: config, paymentTtlMs: config.BILLING_PAYMENT_TTL_SECONDS * 1_000 },
      };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      c.get("log").error("invalid billing configuration", { issues: error.issues });
      throw new AppError("SERVICE_UNAVAILABLE", "Payments are misconfigured on this server; operators have been alerted.");
    }
    // Injected adapters belong to the request's services, so only configured ones are cached.
    if (!c.get("services").payments) cache.set(bindings, services);
  }
  return services;
}
