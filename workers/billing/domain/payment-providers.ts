/**
 * The adapters a deployment has, by method (what POST /subscribe picks) and by
 * name (what a callback URL and a stored payment name).
 */
import type { PaymentMethod, PaymentProvider } from "./providers/payment-provider.ts";

export interface PaymentProviders {
  forMethod(method: PaymentMethod): PaymentProvider | undefined;
  byName(name: string): PaymentProvider | undefined;
}

export function paymentProviders(list: readonly PaymentProvider[]): PaymentProviders {
  return {
    forMethod: (method) => list.find((provider) => provider.method === method),
    byName: (name) => list.find((provider) => provider.name === name),
  };
}
