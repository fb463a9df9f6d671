import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { createAccountToken } from "./account-tokens.ts";
import { postJson, refresh, signIn, signUp, strongPassword, uniqueEmail } from "./testing.ts";

async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

describe("POST /auth/password/set", () => {
  it("sets the password of a passwordless account once, and the token never works again", async () => {
    const email = uniqueEmail("admin");
    const token = await withDb(async (db) => {
      const account = await db
        .insertInto("auth.accounts")
        .values({ email, password_hash: null, roles: ["listener", "admin"] })
        .returning("id")
        .executeTakeFirstOrThrow();
      return createAccountToken(db, { accountId: account.id, purpose: "set", ttlMs: 60_000 });
    });
    expect((await postJson("/auth/login", { email, password: strongPassword })).status).toBe(401);

    const set = await postJson("/auth/password/set", { token, password: strongPassword });
    expect(set.status).toBe(204);
    expect((await signIn(email)).access_token).toBeTruthy();

    const again = await postJson("/auth/password/set", { token, password: `${strongPassword} again` });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.token" }] });
  });

  it("revokes every session of the account: the new password is the only way in", async () => {
    const listener = await signUp();
    const token = await withDb(async (db) => {
      const account = await db.selectFrom("auth.accounts").select("id").where("email", "=", listener.email).executeTakeFirstOrThrow();
      return createAccountToken(db, { accountId: account.id, purpose: "reset", ttlMs: 60_000 });
    });
    expect((await postJson("/auth/password/set", { token, password: "a brand new passphrase for tunec" })).status).toBe(204);
    expect((await refresh(listener.refresh_token)).status).toBe(401);
  });

  it("refuses expired, unknown and malformed tokens and weak passwords", async () => {
    const email = uniqueEmail("late");
    const expired = await withDb(async (db) => {
      const account = await db.insertInto("auth.accounts").values({ email, password_hash: null }).returning("id").executeTakeFirstOrThrow();
      return createAccountToken(db, { accountId: account.id, purpose: "set", ttlMs: -1_000 });
    });
    expect((await postJson("/auth/password/set", { token: expired, password: strongPassword })).status).toBe(400);
    expect((await postJson("/auth/password/set", { token: "A".repeat(43), password: strongPassword })).status).toBe(400);
    expect((await postJson("/auth/password/set", { token: "x".repeat(500), password: strongPassword })).status).toBe(400);
    const weak = await postJson("/auth/password/set", { token: "A".repeat(43), password: "password" });
    expect(await weak.json()).toMatchObject({ errors: [{ field: "body.password" }] });
  });
});
