import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../testing/test-database.ts";
import { listAudit, recordAudit } from "./audit-log.ts";

describe.each(databaseKinds())("audit log on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.drop());

  it("records with the change's transaction and lists newest first with filters and pages", async () => {
    const actor = { userId: "00000000-0000-4000-8000-000000000001", roles: ["admin"] };
    await database.db.transaction().execute(async (trx) => {
      await recordAudit(trx, { actor, action: "track.update", targetType: "track", targetId: "t1", before: { title: "Old" }, after: { title: "New" } });
      await recordAudit(trx, { actor, action: "role.grant", targetType: "account", targetId: "a1", after: { roles: ["artist"] } });
    });
    await expect(
      database.db.transaction().execute(async (trx) => {
        await recordAudit(trx, { actor, action: "track.takedown", targetType: "track", targetId: "t1" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");

    const all = await listAudit(database.db, { limit: 10 });
    expect(all.entries.map((e) => e.action)).toEqual(["role.grant", "track.update"]);
    expect(all.entries[1]).toMatchObject({ before: { title: "Old" }, after: { title: "New" }, actorId: actor.userId, actorRoles: ["admin"] });

    const first = await listAudit(database.db, { limit: 1 });
    expect(first.entries).toHaveLength(1);
    expect(first.nextBefore).not.toBeNull();
    const second = await listAudit(database.db, { limit: 1, before: first.nextBefore ?? undefined });
    expect(second.entries.map((e) => e.action)).toEqual(["track.update"]);
    expect(second.nextBefore).toBeNull();

    const byTarget = await listAudit(database.db, { limit: 10, targetType: "track", targetId: "t1" });
    expect(byTarget.entries.map((e) => e.action)).toEqual(["track.update"]);
  });

  it("refuses the editor role nowhere and unknown roles everywhere", async () => {
    await database.db
      .insertInto("auth.accounts")
      .values({ email: "ed@example.com", password_hash: null, roles: ["listener", "editor"] })
      .execute();
    await expect(
      database.db
        .insertInto("auth.accounts")
        .values({ email: "x@example.com", password_hash: null, roles: ["root" as "admin"] })
        .execute(),
    ).rejects.toThrow();
  });
});
