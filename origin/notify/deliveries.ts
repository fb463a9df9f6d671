/**
 * notify.deliveries as the delivery log and the work queue of the dispatcher.
 * Rows are inserted in the consumer's transaction (unique per event, channel
 * and recipient: a duplicate event adds nothing); a dispatcher claims due rows
 * with a lease (`for update skip locked`: parallel dispatchers never take the
 * same row), and every outcome is written only while it still holds the lease.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { DeliveriesTable, EmailContent, PushContent } from "../../shared/db/notify.table.ts";

export type DeliveryRow = Selectable<DeliveriesTable>;
export type NewDelivery = Omit<
  Insertable<DeliveriesTable>,
  "id" | "content" | "status" | "attempts" | "next_attempt_at" | "lease_owner" | "last_error" | "provider_message_id" | "created_at" | "updated_at" | "sent_at"
> & { content: EmailContent | PushContent };

const interval = (ms: number) => `${Math.max(0, Math.ceil(ms))} milliseconds`;

/** Queues messages; returns how many were new (a repeated event queues none). */
export async function queueDeliveries(trx: Transaction<Database> | Kysely<Database>, rows: NewDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await trx
    .insertInto("notify.deliveries")
    .values(rows.map((row) => ({ ...row, content: JSON.stringify(row.content) })))
    .onConflict((conflict) => conflict.columns(["event_id", "channel", "recipient"]).doNothing())
    .returning("id")
    .execute();
  return inserted.length;
}

/**
 * Takes up to `limit` due rows: pending ones whose time has come, and ones
 * left `sending` by a dispatcher whose lease ran out (it crashed mid-send:
 * they are sent again, see docs/api/notify.md on at-least-once).
 */
export async function claimDue(db: Kysely<Database>, owner: string, leaseMs: number, limit: number, maxAttempts: number): Promise<DeliveryRow[]> {
  const result = await sql<DeliveryRow>`
    update notify.deliveries
       set status = 'sending', lease_owner = ${owner}, attempts = attempts + 1,
           next_attempt_at = now() + ${interval(leaseMs)}::interval, updated_at = now()
     where id in (
       select id from notify.deliveries
        where status in ('pending', 'sending') and next_attempt_at <= now() and attempts < ${maxAttempts}
        order by next_attempt_at
        limit ${limit}
        for update skip locked)
    returning *`.execute(db);
  return result.rows;
}

/** Milliseconds until the earliest claimable delivery is due (a retry's backoff, a lapsed lease), or null. */
export async function msUntilNextDue(db: Kysely<Database>, maxAttempts: number): Promise<number | null> {
  const result = await sql<{ ms: number | string | null }>`
    select extract(epoch from min(next_attempt_at) - now()) * 1000 as ms
      from notify.deliveries
     where status in ('pending', 'sending') and attempts < ${maxAttempts}`.execute(db);
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.ceil(Number(ms));
}

/** Account mails (`account-*` templates) carry a one-time link: once sent, the log keeps only the subject. */
const withoutLinks = sql<string>`case when template like 'account-%'
  then jsonb_build_object('subject', content->'subject', 'redacted', true) else content end`;

export async function markSent(
  db: Kysely<Database> | Transaction<Database>,
  row: DeliveryRow,
  owner: string,
  providerMessageId: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable("notify.deliveries")
    .set({
      status: "sent",
      content: withoutLinks,
      provider_message_id: providerMessageId,
      last_error: null,
      lease_owner: null,
      sent_at: new Date(),
      updated_at: new Date(),
    })
    .where("id", "=", row.id)
    .where("lease_owner", "=", owner)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A failed attempt: back to pending after `retryInMs`, or final (`failed`, `gone`, `cancelled`) when null. */
export async function markAttemptFailed(
  db: Kysely<Database> | Transaction<Database>,
  row: DeliveryRow,
  owner: string,
  outcome: { status: "pending"; retryInMs: number; error: string } | { status: "failed" | "gone" | "cancelled"; error: string },
): Promise<boolean> {
  const result = await db
    .updateTable("notify.deliveries")
    .set({
      status: outcome.status,
      last_error: outcome.error.slice(0, 2000),
      lease_owner: null,
      next_attempt_at: outcome.status === "pending" ? sql<Date>`now() + ${interval(outcome.retryInMs)}::interval` : sql<Date>`now()`,
      updated_at: new Date(),
    })
    .where("id", "=", row.id)
    .where("lease_owner", "=", owner)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Rows whose last allowed attempt was cut off by a crash: nobody will try them again, so say so. */
export async function failAbandoned(db: Kysely<Database>, maxAttempts: number): Promise<number> {
  const result = await db
    .updateTable("notify.deliveries")
    .set({
      status: "failed",
      last_error: "no outcome recorded for the last attempt (the dispatcher stopped mid-send)",
      lease_owner: null,
      updated_at: new Date(),
    })
    .where("status", "=", "sending")
    .where("next_attempt_at", "<=", sql<Date>`now()`)
    .where("attempts", ">=", maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
