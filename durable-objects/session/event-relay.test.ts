import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { playEventContext } from "../../workers/playback/play-ids.ts";
import type { OutboxRow, OutboxSink } from "../outbox-relay/outbox-relay.ts";
import { deleteRelayedEvents, hasEventsAfter, relayEventsAfter } from "./event-relay.ts";
import { startStream } from "./stream-lease.ts";
import type { SessionDurableObject } from "./session.ts";

/** A sink that keeps what it was given, by CloudEvent id, as `on conflict (id) do nothing` does. */
function recordingSink(): OutboxSink & { ids: string[] } {
  const ids: string[] = [];
  return {
    ids,
    async insert(rows: OutboxRow[]) {
      for (const row of rows) if (!ids.includes(row.id)) ids.push(row.id);
      return rows.length;
    },
  };
}

describe("relayEventsAfter", () => {
  it("relays in order and leaves the rows for a later commit to delete; a restarted relay adds nothing", async () => {
    const userId = crypto.randomUUID();
    const stub = env.SESSIONS.get(env.SESSIONS.idFromName(userId));
    await runInDurableObject(stub, async (_instance: SessionDurableObject, state) => {
      const sql = state.storage.sql;
      const started: string[] = [];
      const queue = async () => {
        const playId = crypto.randomUUID();
        const events = await playEventContext(userId, playId, null);
        started.push(events.startedEventId);
        // The plain function: it queues the event without arming the alarm, which would race this relay.
        startStream(sql, {
          events,
          sessionId: "phone",
          playId,
          trackId: "7b1c9f0e-1111-4a2b-8c3d-000000000001",
          quality: "standard",
          premium: false,
          durationMs: 200_000,
        });
      };
      await queue();
      await queue();
      const sink = recordingSink();
      const first = await relayEventsAfter(sql, sink, 0);
      expect(first.relayed).toBe(2);
      expect(sink.ids).toEqual(started);
      // Still stored, but nothing after `through` is waiting.
      expect(sql.exec<{ n: number }>("select count(*) as n from pending_events").one().n).toBe(2);
      expect(hasEventsAfter(sql, first.through)).toBe(false);
      await queue();
      const second = await relayEventsAfter(sql, sink, first.through);
      expect(second.relayed).toBe(1);
      expect(sink.ids).toEqual(started);
      // An object that lost `through` (restarted) relays everything again: nothing new lands.
      const again = await relayEventsAfter(sql, sink, 0);
      expect(again.relayed).toBe(3);
      expect(sink.ids).toEqual(started);
      deleteRelayedEvents(sql, second.through);
      expect(sql.exec<{ n: number }>("select count(*) as n from pending_events").one().n).toBe(0);
      expect(hasEventsAfter(sql, 0)).toBe(false);
    });
  });
});
