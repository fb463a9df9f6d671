import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant, plan, reasonOf } from "./primitives.ts";

const subscription = {
  subscriptionId: entityId,
  userId: entityId,
  plan,
};

export const subscriptionActivatedV1 = defineEvent({
  type: "tunec.billing.subscription-activated.v1",
  name: "SubscriptionActivated",
  version: 1,
  topic: "tunec.billing.subscriptions",
  key: (data) => data.userId,
  description: "A completed payment started or renewed a subscription period; users sets is_premium.",
  schema: z.object({
    ...subscription,
    paymentId: entityId,
    renewal: z.boolean(),
    periodStart: instant,
    periodEnd: instant.meta({ description: "Premium until this instant (before any grace period)." }),
    activatedAt: instant,
  }),
});

export const subscriptionFailureCodes = ["payment_failed", "payment_timeout", "activation_failed"] as const;

export const subscriptionFailedV1 = defineEvent({
  type: "tunec.billing.subscription-failed.v1",
  name: "SubscriptionFailed",
  version: 1,
  topic: "tunec.billing.subscriptions",
  key: (data) => data.userId,
  description: "The subscription saga ended without activation, with any compensation it started.",
  schema: z.object({
    ...subscription,
    paymentId: entityId.nullable(),
    reason: reasonOf(subscriptionFailureCodes),
    compensation: z.enum(["none", "refund_requested"]),
    failedAt: instant,
  }),
});

export const subscriptionExpiredV1 = defineEvent({
  type: "tunec.billing.subscription-expired.v1",
  name: "SubscriptionExpired",
  version: 1,
  topic: "tunec.billing.subscriptions",
  key: (data) => data.userId,
  description: "A subscription ended (not renewed after the grace period, cancelled or refunded); users clears is_premium.",
  schema: z.object({
    ...subscription,
    reason: z.enum(["not_renewed", "cancelled", "refunded"]),
    periodEnd: instant,
    expiredAt: instant,
  }),
});
