import { consumerService } from "../events/consumer-service.ts";
import { applySubscriptionActivated, applySubscriptionExpired, applySubscriptionFailed, usersPremiumGroup, usersPremiumTopics } from "./premium.ts";

/** `--service users-premium`: SubscriptionActivated/Expired → users.profiles.is_premium + UserUpdated. */
export const usersPremiumService = consumerService({
  name: "users-premium",
  description: "users premium: applies SubscriptionActivated/Expired to users.profiles.is_premium and publishes UserUpdated",
  group: usersPremiumGroup,
  topics: usersPremiumTopics,
  handlers: {
    "tunec.billing.subscription-activated.v1": applySubscriptionActivated,
    "tunec.billing.subscription-expired.v1": applySubscriptionExpired,
    "tunec.billing.subscription-failed.v1": applySubscriptionFailed,
  },
});
