/**
 * The users context's side of the subscription saga: SubscriptionActivated
 * sets users.profiles.is_premium, SubscriptionExpired clears it, and every
 * change is published as UserUpdated through the outbox in the same
 * transaction (auth-claims turns it into the next token's claim).
 *
 * The consumer framework runs these inside the transaction that records the
 * event in the inbox, so a redelivered event is a no-op. Order across
 * redeliveries and replays is kept by premium_changed_at: the subscription
 * event's own time (activatedAt / expiredAt), so an older event never undoes
 * a newer one however late it arrives.
 */
import { sql, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import { writeOutbox } from "../../shared/events/outbox.ts";
import { childTraceparent } from "../../shared/events/traceparent.ts";
import type { HandlerContext } from "../events/consumer.ts";

export const usersPremiumGroup = "users-premium";
export const usersPremiumTopics = ["tunec.billing.subscriptions"];

interface PremiumChange {
  userId: string;
  isPremium: boolean;
  premiumUntil: Date | null;
  /** Event time of the subscription event: the ordering guard. */
  changedAt: Date;
}

export async function applySubscriptionActivated(
  event: TunecEvent<"tunec.billing.subscription-activated.v1">,
  trx: Transaction<Database>,
  context: HandlerContext,
): Promise<void> {
  const { userId, periodEnd, activatedAt, subscriptionId } = event.data;
  const change = { userId, isPremium: true, premiumUntil: new Date(periodEnd), changedAt: new Date(activatedAt) };
  const applied = await applyPremiumChange(trx, change, context.traceparent);
  context.logger.info(applied ? "premium set" : "premium unchanged (an equal or newer change is already applied)", {
    user_id: userId,
    subscription_id: subscriptionId,
  });
}

export async function applySubscriptionExpired(
  event: TunecEvent<"tunec.billing.subscription-expired.v1">,
  trx: Transaction<Database>,
  context: HandlerContext,
): Promise<void> {
  const { userId, expiredAt, subscriptionId } = event.data;
  const change = { userId, isPremium: false, premiumUntil: null, changedAt: new Date(expiredAt) };
  const applied = await applyPremiumChange(trx, change, context.traceparent);
  context.logger.info(applied ? "premium cleared" : "premium unchanged (an equal or newer change is already applied)", {
    user_id: userId,
    subscription_id: subscriptionId,
  });
}

/** SubscriptionFailed: nobody became premium, so nothing changes; handled only to be logged and marked in the inbox. */
export async function applySubscriptionFailed(
  event: TunecEvent<"tunec.billing.subscription-failed.v1">,
  _trx: Transaction<Database>,
  context: HandlerContext,
): Promise<void> {
  context.logger.info("subscription failed; premium unchanged", { user_id: event.data.userId, reason: event.data.reason.code });
}

/**
 * Upserts the profile (it may not exist yet) unless a change at least as new
 * is already stored; returns whether it wrote, and then writes UserUpdated.
 */
export async function applyPremiumChange(trx: Transaction<Database>, change: PremiumChange, traceparent: string | undefined): Promise<boolean> {
  const now = new Date();
  const row = await trx
    .insertInto("users.profiles")
    .values({
      user_id: change.userId,
      is_premium: change.isPremium,
      premium_until: change.premiumUntil,
      premium_changed_at: change.changedAt,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column("user_id")
        .doUpdateSet({
          is_premium: (eb) => eb.ref("excluded.is_premium"),
          premium_until: (eb) => eb.ref("excluded.premium_until"),
          premium_changed_at: (eb) => eb.ref("excluded.premium_changed_at"),
          // Strictly increasing per user, so auth (which orders UserUpdated by updatedAt) never
          // drops this change behind a profile edit stamped by a slightly faster clock.
          updated_at: sql<Date>`greatest(excluded.updated_at, profiles.updated_at + interval '1 millisecond')`,
        })
        .where(sql<boolean>`profiles.premium_changed_at is null or profiles.premium_changed_at < excluded.premium_changed_at`),
    )
    .returning(["user_id", "display_name", "avatar_url", "locale", "is_premium", "premium_until", "updated_at"])
    .executeTakeFirst();
  if (!row) return false;
  await writeOutbox(trx, {
    type: "tunec.users.user-updated.v1",
    source: "/tunec/users",
    traceparent: childTraceparent(traceparent),
    data: {
      userId: row.user_id,
      changed: ["isPremium"],
      displayName: row.display_name,
      avatarUrl: row.avatar_url,
      locale: row.locale,
      isPremium: row.is_premium,
      premiumUntil: row.premium_until ? row.premium_until.toISOString() : null,
      updatedAt: row.updated_at.toISOString(),
    },
  });
  return true;
}
