import { env, SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { mintAccountLink, type AccountMailPurpose } from "./account-email.ts";
import { postJson, refresh, signIn, signUp, strongPassword, uniqueEmail, type Tokens } from "./testing.ts";

async function withDb<T>(work: (db: ReturnType<typeof createEdgeDatabase>) => Promise<T>): Promise<T> {
  const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

const userIdOf = (tokens: Tokens) => String(decodeJwt(tokens.access_token).sub);

/** What origin/notify does when it writes the mail: mint the link's token. */
async function mailedToken(userId: string, purpose: AccountMailPurpose): Promise<{ to: string; token: string }> {
  const link = await withDb((db) => mintAccountLink(db, userId, purpose));
  if (!link) throw new Error(`no ${purpose} link for ${userId}`);
  return link;
}

async function mailRequests(userId: string): Promise<string[]> {
  const rows = await withDb((db) =>
    db
      .selectFrom("events.outbox")
      .select("event")
      .where("key", "=", userId)
      .where("type", "=", "tunec.auth.account-email-requested.v1")
      .orderBy("created_at")
      .execute(),
  );
  return rows.map((row) => (row.event as { data: { purpose: string } }).data.purpose);
}

function authed(path: string, tokens: Tokens, body?: unknown, method = "POST"): Promise<Response> {
  return SELF.fetch(`https://tunec.test${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.access_token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function account(tokens: Tokens): Promise<{ email: string; email_verified: boolean; pending_email: string | null; has_password: boolean }> {
  const response = await authed("/auth/account", tokens, undefined, "GET");
  expect(response.status).toBe(200);
  return response.json();
}

describe("email verification", () => {
  it("mails a link at registration; the link verifies the address once", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    expect(await mailRequests(userId)).toEqual(["verify-email"]);
    expect(await account(listener)).toMatchObject({ email: listener.email, email_verified: false, has_password: true });

    const { to, token } = await mailedToken(userId, "verify-email");
    expect(to).toBe(listener.email);
    const verified = await postJson("/auth/email/verify", { token });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ email: listener.email, changed: false });
    expect(await account(listener)).toMatchObject({ email_verified: true });
    expect((await postJson("/auth/email/verify", { token })).status).toBe(400);
    // Nothing left to send for a verified address.
    expect(await withDb((db) => mintAccountLink(db, userId, "verify-email"))).toBeNull();
    expect((await authed("/auth/email/verification", listener)).status).toBe(204);
  });

  it("sends again on request, and only the newest link works", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    const first = await mailedToken(userId, "verify-email");
    expect((await authed("/auth/email/verification", listener)).status).toBe(202);
    expect(await mailRequests(userId)).toEqual(["verify-email", "verify-email"]);
    const second = await mailedToken(userId, "verify-email");
    expect((await postJson("/auth/email/verify", { token: first.token })).status).toBe(400);
    expect((await postJson("/auth/email/verify", { token: second.token })).status).toBe(200);
  });

  it("never lets a verification link set a password", async () => {
    const listener = await signUp();
    const { token } = await mailedToken(userIdOf(listener), "verify-email");
    expect((await postJson("/auth/password/set", { token, password: "someone else's new passphrase" })).status).toBe(400);
    expect((await postJson("/auth/email/verify", { token })).status).toBe(200);
  });
});

describe("password change", () => {
  it("needs the current password, signs out the other sessions and keeps this one", async () => {
    const phone = await signUp(uniqueEmail(), "phone");
    const laptop = await signIn(phone.email, "laptop");
    const wrong = await authed("/auth/password/change", laptop, { current_password: "not the password", new_password: "a fresh passphrase for tunec" });
    expect(wrong.status).toBe(401);

    const changed = await authed("/auth/password/change", laptop, { current_password: strongPassword, new_password: "a fresh passphrase for tunec" });
    expect(changed.status).toBe(204);
    expect((await refresh(phone.refresh_token)).status).toBe(401);
    expect((await refresh(laptop.refresh_token)).status).toBe(200);
    expect((await postJson("/auth/login", { email: phone.email, password: strongPassword })).status).toBe(401);
    expect((await postJson("/auth/login", { email: phone.email, password: "a fresh passphrase for tunec" })).status).toBe(200);
  });

  it("holds a new password to the password rules", async () => {
    const listener = await signUp();
    const weak = await authed("/auth/password/change", listener, { current_password: strongPassword, new_password: "password" });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ errors: [{ field: "body.new_password" }] });
  });
});

describe("forgotten password", () => {
  it("answers an unknown and a known address alike, and mails only the known one", async () => {
    const listener = await signUp();
    const known = await postJson("/auth/password/forgot", { email: listener.email.toUpperCase() });
    const unknown = await postJson("/auth/password/forgot", { email: uniqueEmail("nobody") });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
    expect(await mailRequests(userIdOf(listener))).toEqual(["verify-email", "reset-password"]);
  });

  it("resets once with the mailed link, signs out everywhere and proves the address", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    const { to, token } = await mailedToken(userId, "reset-password");
    expect(to).toBe(listener.email);
    expect((await postJson("/auth/password/set", { token, password: "remembered at last, a passphrase" })).status).toBe(204);
    expect((await postJson("/auth/password/set", { token, password: "and once more, a passphrase" })).status).toBe(400);
    expect((await refresh(listener.refresh_token)).status).toBe(401);
    const signedIn = await postJson("/auth/login", { email: listener.email, password: "remembered at last, a passphrase" });
    expect(signedIn.status).toBe(200);
    expect(await account(await signedIn.json<Tokens>())).toMatchObject({ email_verified: true });
  });

  it("a reset link never verifies an address the account no longer has, nor changes it", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    const { token } = await mailedToken(userId, "reset-password");
    const moved = uniqueEmail("moved");
    await withDb((db) => db.updateTable("auth.accounts").set({ email: moved }).where("id", "=", userId).execute());
    expect((await postJson("/auth/password/set", { token, password: "remembered at last, a passphrase" })).status).toBe(204);
    const row = await withDb((db) => db.selectFrom("auth.accounts").select(["email", "email_verified_at"]).where("id", "=", userId).executeTakeFirstOrThrow());
    expect(row).toEqual({ email: moved, email_verified_at: null });
  });
});

describe("email change", () => {
  it("asks for the password, mails the new address and switches only when its link is followed", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    const next = uniqueEmail("new");
    expect((await authed("/auth/email/change", listener, { email: next })).status).toBe(401);
    expect((await authed("/auth/email/change", listener, { email: next, current_password: strongPassword })).status).toBe(202);
    expect(await account(listener)).toMatchObject({ email: listener.email, pending_email: next });

    const { to, token } = await mailedToken(userId, "change-email");
    expect(to).toBe(next);
    const confirmed = await postJson("/auth/email/verify", { token });
    expect(await confirmed.json()).toEqual({ email: next, changed: true });
    expect(await account(listener)).toMatchObject({ email: next, email_verified: true, pending_email: null });
    expect((await postJson("/auth/login", { email: next, password: strongPassword })).status).toBe(200);
    expect((await postJson("/auth/login", { email: listener.email, password: strongPassword })).status).toBe(401);
  });

  it("does not reveal a taken address: same answer, no mail, and a stale link cannot steal it", async () => {
    const owner = await signUp();
    const other = await signUp();
    const otherId = userIdOf(other);
    expect((await authed("/auth/email/change", other, { email: owner.email, current_password: strongPassword })).status).toBe(202);
    expect(await mailRequests(otherId)).toEqual(["verify-email"]);
    expect(await withDb((db) => mintAccountLink(db, otherId, "change-email"))).toBeNull();
  });

  it("makes a verification link of the old address worthless", async () => {
    const listener = await signUp();
    const userId = userIdOf(listener);
    const old = await mailedToken(userId, "verify-email");
    expect((await authed("/auth/email/change", listener, { email: uniqueEmail("moved"), current_password: strongPassword })).status).toBe(202);
    expect((await postJson("/auth/email/verify", { token: (await mailedToken(userId, "change-email")).token })).status).toBe(200);
    expect((await postJson("/auth/email/verify", { token: old.token })).status).toBe(400);
  });
});
