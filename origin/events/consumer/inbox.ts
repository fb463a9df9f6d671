import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

/**
 * Runs `effects` and records `eventId` in the group's inbox in ONE
 * transaction. The inbox row is written first: a concurrent duplicate waits on
 * its primary key until this one commits, then finds it and does nothing; if
 * `effects` throws, both roll back and the event can be tried again.
 */
export async function handleOnce(
  db: Kysely<Database>,
  consumer: string,
  eventId: string,
  effects: (trx: Transaction<Database>) => Promise<void>,
): Promise<"handled" | "duplicate"> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("events.inbox")
      .values({ consumer, event_id: eventId })
      .onConflict((conflict) => conflict.doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!inserted) return "duplicate";
    await effects(trx);
    return "handled";
  });
}
