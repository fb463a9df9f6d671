import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createAccount, findAccountById } from "../../workers/auth/accounts.ts";
import { applyUserUpdated } from "./user-updated.ts";

function userUpdated(userId: string, isPremium: boolean, updatedAt: string) {
  return buildEvent({
    type: "tunec.users.user-updated.v1",
    source: "/tunec/users",
    data: {
      userId,
      changed: ["isPremium"],
      displayName: "Listener",
      avatarUrl: null,
      locale: "ru",
      isPremium,
      premiumUntil: null,
      updatedAt,
    },
  }).event;
}

describe.each(databaseKinds())("auth-claims UserUpdated handler on %s", (kind) => {
  let database: TestDatabase;
  const logger = createLogger({ service: "auth-claims-test" }, "error");
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("sets is_premium from the event, ignoring an older one that arrives late", async () => {
    const account = await createAccount(database.db, { email: `p-${crypto.randomUUID()}@example.com`, passwordHash: null });
    if (!account) throw new Error("not created");
    const apply = (isPremium: boolean, at: string) =>
      database.db.transaction().execute((trx) => applyUserUpdated(userUpdated(account.id, isPremium, at), trx, { logger }));
    await apply(true, "2026-03-01T10:00:00Z");
    expect((await findAccountById(database.db, account.id))?.isPremium).toBe(true);
    await apply(false, "2026-03-01T09:00:00Z");
    expect((await findAccountById(database.db, account.id))?.isPremium).toBe(true);
    await apply(false, "2026-04-01T10:00:00Z");
    expect((await findAccountById(database.db, account.id))?.isPremium).toBe(false);
  });

  it("ignores users without an auth account", async () => {
    await expect(
      database.db.transaction().execute((trx) => applyUserUpdated(userUpdated(crypto.randomUUID(), true, "2026-03-01T10:00:00Z"), trx, { logger })),
    ).resolves.toBeUndefined();
  });
});
