import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import type { HandlerContext } from "../events/consumer.ts";
import { applySubscriptionActivated, applySubscriptionExpired, applySubscriptionFailed } from "./premium.ts";

const logger = createLogger({ service: "users-premium-test" }, "error");
const context: HandlerContext = {
  logger,
  traceparent: undefined,
  attempt: 1,
  record: { topic: "tunec.billing.subscriptions", partition: 0, offset: "0", key: "", value: "", headers: {}, timestamp: new Date() },
};

const subscription = (userId: string) => ({ subscriptionId: crypto.randomUUID(), userId, plan: "monthly" as const });

function activated(userId: string, activatedAt: string, periodEnd: string) {
  return buildEvent({
    type: "tunec.billing.subscription-activated.v1",
    source: "/tunec/billing",
    data: { ...subscription(userId), paymentId: crypto.randomUUID(), renewal: false, periodStart: activatedAt, periodEnd, activatedAt },
  }).event;
}

function expired(userId: string, expiredAt: string) {
  return buildEvent({
    type: "tunec.billing.subscription-expired.v1",
    source: "/tunec/billing",
    data: { ...subscription(userId), reason: "not_renewed", periodEnd: expiredAt, expiredAt },
  }).event;
}

describe.each(databaseKinds())("users premium handlers on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  const profile = (userId: string) => database.db.selectFrom("users.profiles").selectAll().where("user_id", "=", userId).executeTakeFirst();
  const userUpdates = async (userId: string) =>
    (await database.db.selectFrom("events.outbox").select(["event", "key", "topic"]).where("key", "=", userId).orderBy("seq").execute()).map((row) => ({
      topic: row.topic,
      ...(row.event as { type: string; data: Record<string, unknown> }),
    }));
  const inTransaction = <T>(work: (trx: Parameters<typeof applySubscriptionExpired>[1]) => Promise<T>) => database.db.transaction().execute(work);

  it("creates the missing profile as premium until the period end and publishes UserUpdated", async () => {
    const userId = crypto.randomUUID();
    await inTransaction((trx) => applySubscriptionActivated(activated(userId, "2026-03-01T10:00:00Z", "2026-04-01T10:00:00Z"), trx, context));
    const row = await profile(userId);
    expect(row?.is_premium).toBe(true);
    expect(row?.premium_until?.toISOString()).toBe("2026-04-01T10:00:00.000Z");
    expect(row?.premium_changed_at?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
    const events = await userUpdates(userId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      topic: "tunec.users",
      type: "tunec.users.user-updated.v1",
      data: { userId, changed: ["isPremium"], isPremium: true, premiumUntil: "2026-04-01T10:00:00.000Z", locale: "ru" },
    });
  });

  it("keeps an existing profile's fields and clears premium on expiry", async () => {
    const userId = crypto.randomUUID();
    await database.db
      .insertInto("users.profiles")
      .values({ user_id: userId, display_name: "Лиза", avatar_url: null, locale: "en", premium_until: null, premium_changed_at: null })
      .execute();
    await inTransaction((trx) => applySubscriptionActivated(activated(userId, "2026-03-01T10:00:00Z", "2026-04-01T10:00:00Z"), trx, context));
    await inTransaction((trx) => applySubscriptionExpired(expired(userId, "2026-04-04T10:00:00Z"), trx, context));
    const row = await profile(userId);
    expect(row).toMatchObject({ display_name: "Лиза", locale: "en", is_premium: false, premium_until: null });
    const events = await userUpdates(userId);
    expect(events.map((event) => event.data.isPremium)).toEqual([true, false]);
    expect(events[1]?.data).toMatchObject({ displayName: "Лиза", locale: "en", premiumUntil: null });
    // updatedAt orders the user's changes for auth, strictly.
    expect(Date.parse(String(events[1]?.data.updatedAt))).toBeGreaterThan(Date.parse(String(events[0]?.data.updatedAt)));
  });

  it("never lets an older event undo a newer one, and writes no event for it", async () => {
    const userId = crypto.randomUUID();
    // Expiry of the previous period arrives first, the older activation after it.
    await inTransaction((trx) => applySubscriptionExpired(expired(userId, "2026-04-04T10:00:00Z"), trx, context));
    await inTransaction((trx) => applySubscriptionActivated(activated(userId, "2026-03-01T10:00:00Z", "2026-04-01T10:00:00Z"), trx, context));
    expect((await profile(userId))?.is_premium).toBe(false);
    // A renewal newer than the expiry does apply.
    await inTransaction((trx) => applySubscriptionActivated(activated(userId, "2026-05-01T10:00:00Z", "2026-06-01T10:00:00Z"), trx, context));
    // An expiry older than that renewal, replayed, does not.
    await inTransaction((trx) => applySubscriptionExpired(expired(userId, "2026-04-04T10:00:00Z"), trx, context));
    const row = await profile(userId);
    expect(row?.is_premium).toBe(true);
    expect(row?.premium_until?.toISOString()).toBe("2026-06-01T10:00:00.000Z");
    expect((await userUpdates(userId)).map((event) => event.data.isPremium)).toEqual([false, true]);
  });

  it("SubscriptionFailed changes nothing", async () => {
    const userId = crypto.randomUUID();
    const failed = buildEvent({
      type: "tunec.billing.subscription-failed.v1",
      source: "/tunec/billing",
      data: {
        ...subscription(userId),
        paymentId: null,
        reason: { code: "payment_failed", message: "declined" },
        compensation: "none",
        failedAt: "2026-03-01T10:00:00Z",
      },
    }).event;
    await inTransaction((trx) => applySubscriptionFailed(failed, trx, context));
    expect(await profile(userId)).toBeUndefined();
    expect(await userUpdates(userId)).toEqual([]);
  });
});
