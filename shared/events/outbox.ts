import type { Kysely } from "kysely";
import type { Database } from "../db/database.ts";
import type { EventType, TunecEvent } from "./catalog.ts";
import { type EventInput, buildEvent } from "./build.ts";

/**
 * The one way to publish: writes the event as an `events.outbox` row inside
 * the caller's transaction, so the state change and its event commit together
 * (the CDC relay moves the row to the log). Throws `InvalidEventError` before
 * touching the database when `data` does not match the type's schema.
 * Web-standard only, so the edge and the origin both call it.
 * @example
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable("users.profiles").set(...).execute();
 *   await writeOutbox(trx, { type: "tunec.users.user-updated.v1", source: "/tunec/users", data, traceparent });
 * });
 */
export async function writeOutbox<T extends EventType>(trx: Kysely<Database>, input: EventInput<T>): Promise<TunecEvent<T>> {
  const { event, topic, key } = buildEvent(input);
  await trx
    .insertInto("events.outbox")
    .values({ id: event.id, topic, key, type: event.type, event: JSON.stringify(event) })
    .execute();
  return event;
}
