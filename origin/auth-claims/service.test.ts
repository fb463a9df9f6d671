import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, nodeConfigSchema } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createAccount, findAccountById } from "../../workers/auth/accounts.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { authClaimsService } from "./service.ts";

// The service as `--service auth-claims` runs it, on the embedded PostgreSQL event log.
describe.each(databaseKinds())("auth-claims service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  const logger = createLogger({ service: "auth-claims-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    service = await authClaimsService.start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it("applies UserUpdated to the premium claim once, even when delivered twice", async () => {
    const account = await createAccount(database.db, { email: `s-${crypto.randomUUID()}@example.com`, passwordHash: null });
    if (!account) throw new Error("not created");
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      const data = {
        userId: account.id,
        changed: ["isPremium" as const],
        displayName: null,
        avatarUrl: null,
        locale: "ru",
        isPremium: true,
        premiumUntil: "2027-01-01T00:00:00Z",
        updatedAt: new Date().toISOString(),
      };
      const event = await publishEvent(log, "tunec.users", "tunec.users.user-updated.v1", data);
      await waitFor(async () => (await findAccountById(database.db, account.id))?.isPremium === true, "is_premium to be applied");
      // The same event again (at-least-once delivery), then a newer change: per-key order means the
      // duplicate has been handled (and skipped by the inbox) once the newer one shows.
      await log.publish([{ topic: "tunec.users", key: account.id, value: JSON.stringify(event) }]);
      const later = await publishEvent(log, "tunec.users", "tunec.users.user-updated.v1", {
        ...data,
        isPremium: false,
        premiumUntil: null,
        updatedAt: new Date(Date.now() + 1_000).toISOString(),
      });
      await waitFor(async () => (await findAccountById(database.db, account.id))?.isPremium === false, "the newer change");
      const handled = await database.db.selectFrom("events.inbox").select("event_id").where("consumer", "=", "auth-claims").execute();
      expect(handled.map((row) => row.event_id).sort()).toEqual([event.id, later.id].sort());
    } finally {
      await log.close();
    }
  });
});
