import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../shared/audit/audit-log.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../shared/testing/test-database.ts";
import { consumeAccountToken } from "../workers/auth/account-tokens.ts";
import { createAdmin } from "./admin-create.ts";

describe.each(databaseKinds())("npm run admin:create on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.drop());

  it("creates the first admin with a one-time password-set token, audited", async () => {
    const result = await createAdmin(database.db, "  First.Admin@Example.com ");
    expect(result).toMatchObject({ created: true, roles: ["listener", "admin"] });
    expect(result.passwordToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await database.db.selectFrom("auth.accounts").selectAll().where("id", "=", result.accountId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: "first.admin@example.com", password_hash: null });
    const audit = await listAudit(database.db, { limit: 10, targetId: result.accountId });
    expect(audit.entries).toMatchObject([{ action: "account.create", actorId: null, after: { roles: ["listener", "admin"] } }]);

    const token = result.passwordToken ?? "";
    expect(await consumeAccountToken(database.db, token, ["set"])).toEqual({ accountId: result.accountId, purpose: "set", email: null });
    expect(await consumeAccountToken(database.db, token, ["set"])).toBeNull();
  });

  it("promotes an existing account once, keeping its roles, and only a passwordless one gets a token", async () => {
    const listener = await database.db
      .insertInto("auth.accounts")
      .values({ email: "artist@example.com", password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", roles: ["listener", "artist"] })
      .returning("id")
      .executeTakeFirstOrThrow();
    const first = await createAdmin(database.db, "artist@example.com");
    expect(first).toMatchObject({ accountId: listener.id, created: false, roles: ["listener", "artist", "admin"], passwordToken: null });
    const again = await createAdmin(database.db, "artist@example.com");
    expect(again.roles).toEqual(["listener", "artist", "admin"]);
    const audit = await listAudit(database.db, { limit: 10, targetId: listener.id });
    expect(audit.entries).toMatchObject([{ action: "role.grant", before: { roles: ["listener", "artist"] } }]);
  });

  it("refuses a malformed email without touching the database", async () => {
    await expect(createAdmin(database.db, "not-an-email")).rejects.toThrow();
    await expect(consumeAccountToken(database.db, "short", ["set"])).resolves.toBeNull();
  });

  it("a newer token replaces an unspent older one", async () => {
    const first = await createAdmin(database.db, "twice@example.com");
    const second = await createAdmin(database.db, "twice@example.com");
    expect(await consumeAccountToken(database.db, first.passwordToken ?? "", ["set"])).toBeNull();
    expect(await consumeAccountToken(database.db, second.passwordToken ?? "", ["set"])).toMatchObject({ accountId: first.accountId });
  });
});
