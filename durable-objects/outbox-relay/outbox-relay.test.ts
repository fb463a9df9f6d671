import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { playbackStartedEvent } from "../../workers/playback/events.ts";
import { playEventContext } from "../../workers/playback/play-ids.ts";
import { outboxRowsOfPlay } from "../../workers/playback/testing.ts";
import { outboxRelayFor, type OutboxRow } from "./outbox-relay.ts";

async function startedRow(userId: string, playId: string): Promise<OutboxRow> {
  const built = playbackStartedEvent(await playEventContext(userId, playId, null), {
    playId,
    sessionId: crypto.randomUUID(),
    trackId: crypto.randomUUID(),
    quality: "standard",
    premium: false,
    durationMs: 200_000,
    startedAt: Date.now(),
    finishedAt: null,
    positionMs: null,
  });
  return { id: built.event.id, topic: built.topic, key: built.key, type: built.event.type, event: JSON.stringify(built.event) };
}

describe("OutboxRelay", () => {
  it("writes concurrent callers' rows once each, over one connection, and resolves only when they are in events.outbox", async () => {
    const relay = outboxRelayFor(env.OUTBOX_RELAY, crypto.randomUUID());
    const playId = crypto.randomUUID();
    const users = Array.from({ length: 20 }, () => crypto.randomUUID());
    const rows = await Promise.all(users.map((user) => startedRow(user, playId)));
    // Twenty Session objects relaying at once, then all of them again (a retry after a lost answer).
    const counts = await Promise.all(rows.map((row) => relay.insert([row])));
    expect(counts).toEqual(rows.map(() => 1));
    await Promise.all(rows.map((row) => relay.insert([row])));
    const stored = await outboxRowsOfPlay(playId);
    expect(stored.map((row) => row.id).sort()).toEqual(rows.map((row) => row.id).sort());
  });

  it("keeps one caller's rows in its order", async () => {
    const relay = outboxRelayFor(env.OUTBOX_RELAY, crypto.randomUUID());
    const playId = crypto.randomUUID();
    const rows = await Promise.all(Array.from({ length: 30 }, () => startedRow(crypto.randomUUID(), playId)));
    await Promise.all([relay.insert(rows.slice(0, 15)), relay.insert(rows.slice(15))]);
    // outboxRowsOfPlay orders by the outbox's seq: the order the rows were inserted in.
    expect((await outboxRowsOfPlay(playId)).map((row) => row.id)).toEqual(rows.map((row) => row.id));
  });

  it("fails the callers of a batch the database refused, and serves the next batch on a fresh connection", async () => {
    const name = crypto.randomUUID();
    const stub = env.OUTBOX_RELAY.get(env.OUTBOX_RELAY.idFromName(name));
    const good = await startedRow(crypto.randomUUID(), crypto.randomUUID());
    const bad = { ...good, id: "not-a-uuid" };
    const refused = await stub.insert([bad]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(refused)).toMatch(/uuid/);
    expect(await stub.insert([good])).toBe(1);
  });
});
