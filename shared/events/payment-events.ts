import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant, money, paymentMethod, plan, reasonOf } from "./primitives.ts";

const payment = {
  paymentId: entityId,
  userId: entityId,
  subscriptionId: entityId.meta({ description: "The subscription (saga) the payment pays for." }),
  plan,
  method: paymentMethod,
  provider: z.string().min(1).meta({ description: "Adapter that took the payment, e.g. yookassa, tron." }),
  providerPaymentId: z.string().min(1).nullable().meta({ description: "The provider's id (SBP operation id, TRC-20 tx hash)." }),
  amount: money.meta({ description: "Amount charged (the invoice amount)." }),
};

export const paymentCompletedV1 = defineEvent({
  type: "tunec.billing.payment-completed.v1",
  name: "PaymentCompleted",
  version: 1,
  topic: "tunec.billing.payments",
  key: (data) => data.userId,
  description: "The provider confirmed the money arrived (callback verified or status polled).",
  schema: z.object({
    ...payment,
    received: money.meta({ description: "Amount actually received (USDT may be over-paid)." }),
    completedAt: instant,
  }),
});

export const paymentFailureCodes = ["declined", "expired", "underpaid", "cancelled", "provider_error"] as const;

export const paymentFailedV1 = defineEvent({
  type: "tunec.billing.payment-failed.v1",
  name: "PaymentFailed",
  version: 1,
  topic: "tunec.billing.payments",
  key: (data) => data.userId,
  description: "The payment cannot complete: declined, expired invoice, under-payment, cancelled or provider error.",
  schema: z.object({
    ...payment,
    reason: reasonOf(paymentFailureCodes),
    failedAt: instant,
  }),
});
