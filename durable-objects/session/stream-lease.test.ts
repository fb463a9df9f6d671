import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PlayEventContext } from "../../workers/playback/stream-lease.ts";
import { playEventContext } from "../../workers/playback/play-ids.ts";
import type { StartStreamInput } from "../../workers/playback/stream-lease.ts";
import { createEdgeDatabase } from "../../workers/platform/edge-database.ts";
import { outboxRowsOfPlay } from "../../workers/playback/testing.ts";
import { relayPendingEvents } from "./event-relay.ts";
import { startStream } from "./stream-lease.ts";
import type { SessionDurableObject } from "./session.ts";

function freshStub() {
  return env.SESSIONS.get(env.SESSIONS.idFromName(crypto.randomUUID()));
}

const phone = crypto.randomUUID();
const tv = crypto.randomUUID();
const userId = "7b1c9f0e-2222-4a2b-8c3d-000000000009";
const context: PlayEventContext = { userId, traceparent: null, startedEventId: crypto.randomUUID(), finishedEventId: crypto.randomUUID() };
const play = (sessionId: string, overrides: Partial<StartStreamInput> = {}): StartStreamInput => ({
  events: { ...context, startedEventId: crypto.randomUUID(), finishedEventId: crypto.randomUUID() },
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

  it("finishes a play once, clamped to the track; the first report wins", async () => {
    const stub = freshStub();
    const input = play(phone);
    await stub.startStream(input);
    const first = await stub.finishPlay(input.playId, 120_000, input.events);
    expect(first).toMatchObject({ ok: true, firstFinish: true, play: { positionMs: 120_000 } });
    expect(await stub.finishPlay(input.playId, 5, input.events)).toMatchObject({ ok: true, firstFinish: false, play: { positionMs: 120_000 } });
    expect(await stub.finishPlay(crypto.randomUUID(), 5, input.events)).toEqual({ ok: false, reason: "unknown-play" });
    const late = play(phone);
    await stub.startStream(late);
    expect(await stub.finishPlay(late.playId, 999_999, late.events)).toMatchObject({ ok: true, play: { positionMs: 200_000 } });
  });

  it("queues each play's events with the play and relays them to events.outbox once, in order", async () => {
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(userId));
    const playId = crypto.randomUUID();
    const events = await playEventContext(userId, playId, null);
    const input = play(phone, { playId, events });
    await stub.startStream(input);
    await stub.startStream(input);
    await stub.finishPlay(playId, 1000, events);
    await stub.finishPlay(playId, 2000, events);
    // Relaying twice (the alarm may also have run on its own) changes nothing.
    await runDurableObjectAlarm(stub);
    await runInDurableObject(stub, async (instance: SessionDurableObject) => instance.alarm());
    const rows = await outboxRowsOfPlay(playId);
    expect(rows.map((row) => [row.id, row.type, row.key])).toEqual([
      [events.startedEventId, "tunec.playback.playback-started.v1", userId],
      [events.finishedEventId, "tunec.playback.playback-finished.v1", userId],
    ]);
    expect(rows[1]?.data).toMatchObject({ playId, positionMs: 1000, trackDurationMs: 200_000, completed: false });
    await runInDurableObject(stub, (_instance: SessionDurableObject, state) => {
      expect(state.storage.sql.exec<{ n: number }>("select count(*) as n from pending_events").one().n).toBe(0);
    });
  });

  it("keeps queued events when the database is unreachable and delivers them once later", async () => {
    const listener = crypto.randomUUID();
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(listener));
    const playId = crypto.randomUUID();
    const events = await playEventContext(listener, playId, null);
    await runInDurableObject(stub, async (_instance: SessionDurableObject, state) => {
      // The plain function: it queues the event without arming the alarm, which would race this relay.
      startStream(state.storage.sql, play(phone, { playId, events }));
      const unreachable = createEdgeDatabase("postgres://nobody:none@127.0.0.1:9/none");
      try {
        await expect(relayPendingEvents(state.storage.sql, unreachable)).rejects.toThrow();
      } finally {
        await unreachable.destroy().catch(() => undefined);
      }
      expect(
        state.storage.sql
          .exec<{ id: string }>("select id from pending_events")
          .toArray()
          .map((row) => row.id),
      ).toContain(events.startedEventId);
    });
    await runInDurableObject(stub, async (instance: SessionDurableObject) => instance.alarm());
    expect((await outboxRowsOfPlay(playId)).map((row) => row.id)).toEqual([events.startedEventId]);
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
    // The alarm may already have relayed the two PlaybackStarted on its own; run it (again) for the cleanup.
    await runInDurableObject(stub, async (instance: SessionDurableObject) => instance.alarm());
    await runInDurableObject(stub, async (_instance: SessionDurableObject, state) => {
      const alarm = await state.storage.getAlarm();
      const nextPlay = state.storage.sql.exec<{ at: number }>("select min(expires_at) as at from plays").one().at;
      expect(alarm).toBe(nextPlay);
    });
    expect(await stub.finishPlay(old.playId, 1, old.events)).toEqual({ ok: false, reason: "unknown-play" });
    expect(await stub.finishPlay(recent.playId, 1, recent.events)).toMatchObject({ ok: true });
    expect(await stub.isActive(session.sessionId)).toBe(true);
  });
});
