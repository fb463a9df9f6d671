import { startConsumer } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginService } from "../service.ts";
import { applySubscriptionActivated, applySubscriptionExpired, applySubscriptionFailed, usersPremiumGroup, usersPremiumTopics } from "./premium.ts";

/** `--service users-premium`: SubscriptionActivated/Expired → users.profiles.is_premium + UserUpdated. */
export const usersPremiumService: OriginService = {
  name: "users-premium",
  description: "users premium: applies SubscriptionActivated/Expired to users.profiles.is_premium and publishes UserUpdated",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    try {
      const consumer = await startConsumer({
        log: backbone.log,
        db,
        group: usersPremiumGroup,
        topics: usersPremiumTopics,
        logger: log,
        retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
        handlers: {
          "tunec.billing.subscription-activated.v1": applySubscriptionActivated,
          "tunec.billing.subscription-expired.v1": applySubscriptionExpired,
          "tunec.billing.subscription-failed.v1": applySubscriptionFailed,
        },
      });
      return {
        async stop() {
          await consumer.stop();
          await backbone.log.close();
        },
      };
    } catch (error) {
      await backbone.log.close();
      throw error;
    }
  },
};
