import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StartStreamInput } from "../../workers/playback/stream-lease.ts";
import type { SessionDurableObject } from "./session.ts";

function freshStub() {
  return env.SESSIONS.get(env.SESSIONS.idFromName(crypto.randomUUID()));
}

const phone = crypto.randomUUID();
const tv = crypto.randomUUID();
const play = (sessionId: string, overrides: Partial<StartStreamInput> = {}): StartStreamInput => ({
  sessionId,
  playId: crypto.randomUUID(),
  trackId: "7b1c9f0e-1111-4a2b-8c3d-000000000001",
  quality: "standard",
  premium: false,
  durationMs: 200_000,
  ...overrides,
});

describe("Session Durable Object: stream lease and plays", () => {
  it("keeps one lease per account: the same device keeps it, another device takes it over", async () => {
    const stub = freshStub();
    const first = await stub.startStream(play(phone));
    if (!first.ok) throw new Error("start failed");
    expect(first).toMatchObject({ created: true, takenOverFrom: null });
    const again = await stub.startStream(play(phone));
    expect(again).toMatchObject({ ok: true, leaseId: first.leaseId, takenOverFrom: null });
    expect(await stub.isStreamLeaseActive(first.leaseId)).toBe(true);

    const other = await stub.startStream(play(tv));
    if (!other.ok) throw new Error("start failed");
    expect(other.takenOverFrom).toBe(phone);
    expect(other.leaseId).not.toBe(first.leaseId);
    expect(await stub.isStreamLeaseActive(first.leaseId)).toBe(false);
    expect(await stub.isStreamLeaseActive(other.leaseId)).toBe(true);
    expect(await stub.isStreamLeaseActive(crypto.randomUUID())).toBe(false);
  });

  it("gives exactly one of two devices starting at once the lease", async () => {
    const stub = freshStub();
    const [a, b] = await Promise.all([stub.startStream(play(phone)), stub.startStream(play(tv))]);
    if (!a.ok || !b.ok) throw new Error("start failed");
    const active = await Promise.all([stub.isStreamLeaseActive(a.leaseId), stub.isStreamLeaseActive(b.leaseId)]);
    expect(active.filter(Boolean)).toHaveLength(1);
  });

  it("records a play once: a retried start returns the first record", async () => {
    const stub = freshStub();
    const input = play(phone);
    const first = await stub.startStream(input);
    const retry = await stub.startStream(input);
    if (!first.ok || !retry.ok) throw new Error("start failed");
    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.play).toEqual(first.play);
    expect(await stub.startStream({ ...input, trackId: "7b1c9f0e-1111-4a2b-8c3d-000000000002" })).toEqual({ ok: false, reason: "play-conflict" });
    expect(await stub.startStream({ ...input, quality: "high" })).toEqual({ ok: false, reason: "play-conflict" });
  });

  it("finishes a play once; the first report wins", async () => {
    const stub = freshStub();
    const input = play(phone);
    await stub.startStream(input);
    const first = await stub.finishPlay(input.playId, 120_000);
    expect(first).toMatchObject({ ok: true, firstFinish: true, play: { positionMs: 120_000 } });
    expect(await stub.finishPlay(input.playId, 5)).toMatchObject({ ok: true, firstFinish: false, play: { positionMs: 120_000 } });
    expect(await stub.finishPlay(crypto.randomUUID(), 5)).toEqual({ ok: false, reason: "unknown-play" });
  });

  it("forgets plays past their retention in its alarm, keeping the sessions' schedule", async () => {
    const stub = freshStub();
    const session = await stub.open({ device: "phone", userAgent: null, ip: null });
    const old = play(session.sessionId);
    const recent = play(session.sessionId);
    await stub.startStream(old);
    await stub.startStream(recent);
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      state.storage.sql.exec("update plays set expires_at = ? where play_id = ?", Date.now() - 1, old.playId);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.finishPlay(old.playId, 1)).toEqual({ ok: false, reason: "unknown-play" });
    expect(await stub.finishPlay(recent.playId, 1)).toMatchObject({ ok: true });
    expect(await stub.isActive(session.sessionId)).toBe(true);
    await runInDurableObject(stub, async (_instance: SessionDurableObject, state) => {
      const alarm = await state.storage.getAlarm();
      const nextPlay = state.storage.sql.exec<{ at: number }>("select min(expires_at) as at from plays").one().at;
      expect(alarm).toBe(nextPlay);
    });
  });
});
