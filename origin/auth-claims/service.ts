import { startConsumer } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginService } from "../service.ts";
import { applyUserUpdated, authClaimsGroup, authClaimsTopics } from "./user-updated.ts";

/** `--service auth-claims`: UserUpdated → auth.accounts.is_premium, read by the next token refresh. */
export const authClaimsService: OriginService = {
  name: "auth-claims",
  description: "auth claims: applies UserUpdated (is_premium) to auth.accounts so the next refresh signs it",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    try {
      const consumer = await startConsumer({
        log: backbone.log,
        db,
        group: authClaimsGroup,
        topics: authClaimsTopics,
        logger: log,
        retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
        handlers: { "tunec.users.user-updated.v1": applyUserUpdated },
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
