import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createAccount, findAccountByEmail, findAccountById, findAccountByIdentity, linkIdentity, setPremium, setRoles } from "./accounts.ts";

describe.each(databaseKinds())("auth accounts on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("creates listeners and treats emails case-insensitively", async () => {
    const created = await createAccount(database.db, { email: "  Ada@Example.COM ", passwordHash: "$argon2id$x" });
    expect(created).toMatchObject({ email: "ada@example.com", roles: ["listener"], isPremium: false });
    expect(await createAccount(database.db, { email: "ADA@example.com", passwordHash: null })).toBeNull();
    expect((await findAccountByEmail(database.db, "ada@EXAMPLE.com"))?.id).toBe(created?.id);
    expect(await findAccountByEmail(database.db, "nobody@example.com")).toBeNull();
  });

  it("refuses unknown roles at the database too", async () => {
    const account = await createAccount(database.db, { email: "roles@example.com", passwordHash: null });
    if (!account) throw new Error("not created");
    expect((await setRoles(database.db, account.id, ["listener", "artist", "artist"]))?.roles).toEqual(["listener", "artist"]);
    await expect(setRoles(database.db, account.id, ["root" as "admin"])).rejects.toThrow();
  });

  it("links identities idempotently and never moves them to another account", async () => {
    const owner = await createAccount(database.db, { email: "oauth@example.com", passwordHash: null });
    const other = await createAccount(database.db, { email: "other@example.com", passwordHash: null });
    if (!owner || !other) throw new Error("not created");
    const link = { provider: "google", subject: "g-123", accountId: owner.id, email: "OAuth@example.com", emailVerified: true };
    expect(await linkIdentity(database.db, link)).toBe(true);
    expect(await linkIdentity(database.db, link)).toBe(true);
    expect(await linkIdentity(database.db, { ...link, accountId: other.id })).toBe(false);
    expect((await findAccountByIdentity(database.db, "google", "g-123"))?.id).toBe(owner.id);
    expect(await findAccountByIdentity(database.db, "vk", "g-123")).toBeNull();
  });

  it("applies the premium flag in event-time order: an older event never undoes a newer one", async () => {
    const account = await createAccount(database.db, { email: "premium@example.com", passwordHash: null });
    if (!account) throw new Error("not created");
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
    expect(await setPremium(database.db, account.id, true, at(10))).toBe(true);
    expect(await setPremium(database.db, account.id, false, at(5))).toBe(false);
    expect((await findAccountById(database.db, account.id))?.isPremium).toBe(true);
    expect(await setPremium(database.db, account.id, false, at(20))).toBe(true);
    expect((await findAccountById(database.db, account.id))?.isPremium).toBe(false);
    expect(await setPremium(database.db, crypto.randomUUID(), true)).toBe(false);
  });
});
