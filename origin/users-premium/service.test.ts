import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { usersPremiumService } from "./service.ts";

// The service as `--service users-premium` runs it, on the embedded PostgreSQL event log.
describe.each(databaseKinds())("users-premium service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  const logger = createLogger({ service: "users-premium-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    service = await usersPremiumService.start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it("applies each subscription event once, in effect, whatever the redelivery or order", async () => {
    const userId = crypto.randomUUID();
    const topic = "tunec.billing.subscriptions";
    const subscription = { subscriptionId: crypto.randomUUID(), userId, plan: "yearly" as const };
    const profile = () => database.db.selectFrom("users.profiles").selectAll().where("user_id", "=", userId).executeTakeFirst();
    const handled = async () =>
      (await database.db.selectFrom("events.inbox").select("event_id").where("consumer", "=", "users-premium").execute()).map((row) => row.event_id);
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      const first = await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", {
        ...subscription,
        paymentId: crypto.randomUUID(),
        renewal: false,
        periodStart: "2026-03-01T10:00:00Z",
        periodEnd: "2027-03-01T10:00:00Z",
        activatedAt: "2026-03-01T10:00:00Z",
      });
      await waitFor(async () => (await profile())?.is_premium === true, "is_premium to be set");
      // Redelivery of the same event (at-least-once), then the expiry, then the activation once more
      // under a new id (a producer replay): only the expiry may change anything.
      await log.publish([{ topic, key: userId, value: JSON.stringify(first) }]);
      const expiry = await publishEvent(log, topic, "tunec.billing.subscription-expired.v1", {
        ...subscription,
        reason: "refunded",
        periodEnd: "2027-03-01T10:00:00Z",
        expiredAt: "2026-03-02T10:00:00Z",
      });
      const replay = await publishEvent(log, topic, "tunec.billing.subscription-activated.v1", { ...first.data });
      await waitFor(async () => (await handled()).includes(replay.id), "the replayed activation to be handled");
      expect((await handled()).sort()).toEqual([first.id, expiry.id, replay.id].sort());
      const row = await profile();
      expect(row).toMatchObject({ is_premium: false, premium_until: null });
      const updates = await database.db
        .selectFrom("events.outbox")
        .select("event")
        .where("key", "=", userId)
        .where("type", "=", "tunec.users.user-updated.v1")
        .orderBy("seq")
        .execute();
      expect(updates.map((update) => (update.event as { data: { isPremium: boolean } }).data.isPremium)).toEqual([true, false]);
    } finally {
      await log.close();
    }
  });
});
