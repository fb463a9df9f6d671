/**
 * The Session DO's outbox: playback events are stored in the object's SQLite
 * in the same step as the play they announce, then relayed in order to
 * PostgreSQL's `events.outbox` from the object's alarm. Rows carry their final
 * CloudEvent id, so a relay repeated after a crash (rows inserted, not yet
 * deleted here) inserts nothing new: `on conflict (id) do nothing`.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { BuiltEvent } from "../../shared/events/build.ts";

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

/** Moves every pending event to `events.outbox`, oldest first; returns how many were relayed. */
export async function relayPendingEvents(sql: SqlStorage, db: Kysely<Database>): Promise<number> {
  let relayed = 0;
  for (;;) {
    const rows = sql.exec<PendingRow>("select seq, id, topic, key, type, event from pending_events order by seq limit ?", batchSize).toArray();
    if (rows.length === 0) return relayed;
    await db
      .insertInto("events.outbox")
      .values(rows.map((row) => ({ id: row.id, topic: row.topic, key: row.key, type: row.type, event: row.event })))
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
    const last = rows.at(-1)?.seq ?? 0;
    sql.exec("delete from pending_events where seq <= ?", last);
    relayed += rows.length;
  }
}
