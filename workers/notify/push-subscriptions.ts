/**
 * notify.push_subscriptions at the edge: the signed-in user registers and
 * removes their browsers' PushSubscriptions. An endpoint names one browser
 * profile, so registering it again (another user signed in on that browser)
 * moves it to the new user. The origin reads these rows when it sends and
 * deletes one when the push service says it is gone.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { PushSubscriptionsTable } from "../../shared/db/notify.table.ts";

export type PushSubscriptionRow = Selectable<PushSubscriptionsTable>;

/** Browsers (devices) per user we keep; registering one more forgets the longest-unused. */
export const maxPushSubscriptionsPerUser = 20;

export interface NewPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: Date | null;
  userAgent: string | null;
}

export async function savePushSubscription(
  db: Kysely<Database>,
  userId: string,
  input: NewPushSubscription,
): Promise<{ row: PushSubscriptionRow; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const saved = await trx
      .insertInto("notify.push_subscriptions")
      .values({
        user_id: userId,
        endpoint: input.endpoint,
        p256dh: input.p256dh,
        auth: input.auth,
        expiration_time: input.expirationTime,
        user_agent: input.userAgent,
      })
      .onConflict((conflict) =>
        conflict.column("endpoint").doUpdateSet({
          user_id: userId,
          p256dh: input.p256dh,
          auth: input.auth,
          expiration_time: input.expirationTime,
          user_agent: input.userAgent,
          updated_at: new Date(),
        }),
      )
      // xmax is 0 only for a row this statement inserted (PostgreSQL's upsert idiom).
      .returning((eb) => [
        "id",
        "user_id",
        "endpoint",
        "p256dh",
        "auth",
        "expiration_time",
        "user_agent",
        "created_at",
        "updated_at",
        sql<boolean>`(xmax = 0)`.as("created"),
      ])
      .executeTakeFirstOrThrow();
    await trx
      .deleteFrom("notify.push_subscriptions")
      .where("user_id", "=", userId)
      .where("id", "not in", (eb) =>
        eb.selectFrom("notify.push_subscriptions").select("id").where("user_id", "=", userId).orderBy("updated_at", "desc").limit(maxPushSubscriptionsPerUser),
      )
      .execute();
    const { created, ...row } = saved;
    return { row, created };
  });
}

/** Removes the caller's subscription with this endpoint; false when there was none. */
export async function deletePushSubscription(db: Kysely<Database>, userId: string, endpoint: string): Promise<boolean> {
  const result = await db.deleteFrom("notify.push_subscriptions").where("user_id", "=", userId).where("endpoint", "=", endpoint).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listPushSubscriptions(db: Kysely<Database>, userId: string): Promise<PushSubscriptionRow[]> {
  return db.selectFrom("notify.push_subscriptions").selectAll().where("user_id", "=", userId).orderBy("updated_at", "desc").execute();
}
