import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ClientInfo } from "../../workers/auth/session-store.ts";
import type { SessionDurableObject } from "./session.ts";

const phone: ClientInfo = { device: "phone", userAgent: "TunecApp/1.0", ip: "203.0.113.7" };

function freshStub() {
  return env.SESSIONS.get(env.SESSIONS.idFromName(crypto.randomUUID()));
}

describe("Session Durable Object", () => {
  it("keeps only SHA-256 hashes of refresh secrets", async () => {
    const stub = freshStub();
    const opened = await stub.open(phone);
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      const rows = state.storage.sql.exec<{ hash: string }>("select hash from tokens").toArray();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
      const everything = JSON.stringify(state.storage.sql.exec("select * from tokens, families").toArray());
      expect(everything).not.toContain(opened.secret);
    });
  });

  it("rotates, detects reuse, and revokes the family", async () => {
    const stub = freshStub();
    const opened = await stub.open(phone);
    const first = await stub.rotate(opened.secret, { ...phone, ip: "198.51.100.1" });
    if (!first.ok) throw new Error("rotation failed");
    expect(first.sessionId).toBe(opened.sessionId);
    expect((await stub.list())[0]).toMatchObject({ id: opened.sessionId, ip: "198.51.100.1", device: "phone" });
    // Presented again at once (a network retry): the same successor, nothing revoked.
    expect(await stub.rotate(opened.secret, phone)).toEqual(first);
    // Presented again after the grace window: reuse, and the whole family goes.
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      state.storage.sql.exec("update tokens set used_at = used_at - 60000 where used_at is not null");
    });
    expect(await stub.rotate(opened.secret, phone)).toEqual({ ok: false, reason: "reused" });
    expect(await stub.rotate(first.secret, phone)).toEqual({ ok: false, reason: "revoked" });
    expect(await stub.list()).toEqual([]);
    expect(await stub.isActive(opened.sessionId)).toBe(false);
    expect(await stub.rotate("x".repeat(43), phone)).toEqual({ ok: false, reason: "unknown" });
  });

  it("gives concurrent refreshes of one secret the same successor, but not once the successor was used", async () => {
    const stub = freshStub();
    const opened = await stub.open(phone);
    const [a, b] = await Promise.all([stub.rotate(opened.secret, phone), stub.rotate(opened.secret, phone)]);
    expect(a).toMatchObject({ ok: true });
    expect(b).toEqual(a);
    if (!a.ok) throw new Error("rotation failed");
    const second = await stub.rotate(a.secret, phone);
    expect(second).toMatchObject({ ok: true });
    // The first secret again, after its successor moved on: that is theft, not a retry.
    expect(await stub.rotate(opened.secret, phone)).toEqual({ ok: false, reason: "reused" });
    expect(await stub.isActive(opened.sessionId)).toBe(false);
  });

  it("revokes by id and by secret, once", async () => {
    const stub = freshStub();
    const a = await stub.open(phone);
    const b = await stub.open({ device: "tv", userAgent: null, ip: null });
    expect(await stub.revoke(a.sessionId)).toBe(true);
    expect(await stub.revoke(a.sessionId)).toBe(false);
    expect(await stub.revokeBySecret(b.secret)).toBe(true);
    expect(await stub.revokeBySecret(b.secret)).toBe(false);
    expect(await stub.list()).toEqual([]);
  });

  it("refuses expired families and deletes them in its alarm", async () => {
    const stub = freshStub();
    const stale = await stub.open(phone);
    const live = await stub.open(phone);
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      state.storage.sql.exec("update families set expires_at = ? where id = ?", Date.now() - 1, stale.sessionId);
    });
    expect(await stub.rotate(stale.secret, phone)).toEqual({ ok: false, reason: "expired" });
    expect((await stub.list()).map((s) => s.id)).toEqual([live.sessionId]);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      const families = state.storage.sql
        .exec<{ id: string }>("select id from families")
        .toArray()
        .map((row) => row.id);
      expect(families).toEqual([live.sessionId]);
      expect(state.storage.sql.exec("select * from tokens where family_id = ?", stale.sessionId).toArray()).toEqual([]);
    });
    expect(await stub.rotate(live.secret, phone)).toMatchObject({ ok: true });
  });

  it("keeps a bounded number of spent secrets per family", async () => {
    const stub = freshStub();
    let secret = (await stub.open(phone)).secret;
    for (let i = 0; i < 60; i++) {
      const rotated = await stub.rotate(secret, phone);
      if (!rotated.ok) throw new Error(`rotation ${i} failed`);
      secret = rotated.secret;
    }
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      const count = state.storage.sql.exec<{ n: number }>("select count(*) as n from tokens").one().n;
      expect(count).toBe(51);
    });
  });
});
