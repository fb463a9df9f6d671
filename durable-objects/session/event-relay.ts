/**
 * The Session DO's outbox: playback events are stored in the object's SQLite
 * in the same step as the play they announce, then relayed in order to
 * PostgreSQL's `events.outbox` from the object's alarm. Rows carry their final
 * CloudEvent id, so a relay repeated after a crash (rows inserted, not yet
 * deleted here) inserts nothing new: `on conflict (id) do nothing`.
 */
import { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { BuiltEvent } from "../../shared/events/build.ts";
import type { OutboxRow, OutboxSink } from "../outbox-relay/outbox-relay.ts";

/** Relayed per statement; a backlog drains over several rounds. */
const batchSize = 200;

interface PendingRow extends Record<string, SqlStorageValue> {
  seq: number;
  id: string;
  topic: string;
  key: string;
  type: string;
  event: string;
}

export function enqueueEvent(sql: SqlStorage, built: BuiltEvent, now = Date.now()): void {
  sql.exec(
    "insert into pending_events (id, topic, key, type, event, created_at) values (?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
    built.event.id,
    built.topic,
    built.key,
    built.event.type,
    JSON.stringify(built.event),
    now,
  );
}

export function hasPendingEvents(sql: SqlStorage): boolean {
  return sql.exec("select 1 from pending_events limit 1").toArray().length > 0;
}

/**
 * Moves every pending event to `events.outbox`, oldest first, through the
 * shared relay object (one kept connection for many Session objects) or a
 * database handle of the caller's; returns how many were relayed.
 */
export async function relayPendingEvents(sql: SqlStorage, target: Kysely<Database> | OutboxSink): Promise<number> {
  const { relayed, through } = await relayEventsAfter(sql, target, 0);
  deleteRelayedEvents(sql, through);
  return relayed;
}

/**
 * Relays the pending events after `seq` (oldest first) and leaves them stored: the caller
 * deletes them (`deleteRelayedEvents`) in a commit it makes anyway, instead of one commit
 * per relay. Until then a restarted object relays them again, which inserts nothing
 * (`on conflict (id) do nothing`). `through` is the last seq relayed (`after` if none).
 */
export async function relayEventsAfter(sql: SqlStorage, target: Kysely<Database> | OutboxSink, after: number): Promise<{ relayed: number; through: number }> {
  let relayed = 0;
  let through = after;
  for (;;) {
    const rows = sql
      .exec<PendingRow>("select seq, id, topic, key, type, event from pending_events where seq > ? order by seq limit ?", through, batchSize)
      .toArray();
    if (rows.length === 0) return { relayed, through };
    const outbox: OutboxRow[] = rows.map((row) => ({ id: row.id, topic: row.topic, key: row.key, type: row.type, event: row.event }));
    if (target instanceof Kysely) {
      await target
        .insertInto("events.outbox")
        .values(outbox)
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
    } else {
      await target.insert(outbox);
    }
    through = rows.at(-1)?.seq ?? through;
    relayed += rows.length;
    // A short batch was all there was (no second select per play): rows queued during the
    // insert's await come with a relay request of their own, which runs another round.
    if (rows.length < batchSize) return { relayed, through };
  }
}

/** Forgets events up to `seq`, once they are in `events.outbox` (seq is autoincrement: never reused). */
export function deleteRelayedEvents(sql: SqlStorage, seq: number): void {
  if (seq > 0) sql.exec("delete from pending_events where seq <= ?", seq);
}

/** Whether events after `seq` wait to be relayed. */
export function hasEventsAfter(sql: SqlStorage, seq: number): boolean {
  return sql.exec("select 1 from pending_events where seq > ? limit 1", seq).toArray().length > 0;
}
