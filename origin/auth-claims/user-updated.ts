/**
 * Auth's side of UserUpdated: keeps auth.accounts.is_premium in step with the
 * users context, so the next POST /auth/refresh signs the new claim (refresh
 * re-reads auth.accounts). The consumer framework calls this inside the
 * transaction that records the event in the inbox, so a redelivery is a no-op;
 * the event time guards against an older event arriving after a newer one.
 */
import type { Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import type { Logger } from "../../shared/logger.ts";
import { setPremium } from "../../workers/auth/accounts.ts";

export const authClaimsGroup = "auth-claims";
export const authClaimsTopics = ["tunec.users"];

export async function applyUserUpdated(
  event: TunecEvent<"tunec.users.user-updated.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const { userId, isPremium, updatedAt } = event.data;
  const changed = await setPremium(trx, userId, isPremium, new Date(updatedAt));
  context.logger.info(changed ? "premium claim updated" : "premium claim unchanged (stale, repeated or no account)", {
    user_id: userId,
    is_premium: isPremium,
  });
}
