/**
 * users.imports as a work queue: a worker claims the job touched longest ago
 * with a lease (`for update skip locked`, so parallel workers never share a
 * job); a crash lets the lease run out and the job is taken again, resuming
 * after its last committed batch. Every write of a worker checks that it
 * still holds the lease, in the same transaction as its effects.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { ImportRow } from "../../workers/users/domain/imports/repository.ts";

const interval = (ms: number) => `${Math.ceil(ms)} milliseconds`;

/** The worker no longer holds the job's lease (it ran out and another took it): stop without writing. */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

export async function claimImport(db: Kysely<Database>, owner: string, leaseMs: number): Promise<ImportRow | undefined> {
  const result = await sql<ImportRow>`
    update users.imports
       set lease_owner = ${owner},
           lease_until = now() + ${interval(leaseMs)}::interval,
           attempts = attempts + 1,
           status = case when status = 'queued' then 'reading' else status end,
           updated_at = now()
     where id = (
       select id from users.imports
        where status in ('queued', 'reading', 'matching') and (lease_until is null or lease_until < now())
        order by updated_at
        limit 1
        for update skip locked)
    returning *`.execute(db);
  return result.rows[0];
}

/** Milliseconds until the earliest leased import can be taken again (a retry's backoff, a crashed worker), or null. */
export async function msUntilNextLease(db: Kysely<Database>): Promise<number | null> {
  const result = await sql<{ ms: number | string | null }>`
    select extract(epoch from min(lease_until) - now()) * 1000 as ms
      from users.imports
     where status in ('queued', 'reading', 'matching') and lease_until >= now()`.execute(db);
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.ceil(Number(ms));
}

/** Extends the lease, or throws LeaseLostError (rolling back the caller's transaction). */
export async function renewLease(trx: Transaction<Database>, id: string, owner: string, leaseMs: number, changes: Record<string, unknown> = {}): Promise<void> {
  const updated = await trx
    .updateTable("users.imports")
    .set({ ...changes, lease_until: sql<Date>`now() + ${interval(leaseMs)}::interval`, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new LeaseLostError(`lost the lease of import ${id}`);
}

/** Gives the job back to be retried after `retryInMs` (0 = at once, e.g. on shutdown, without counting the attempt). */
export async function releaseImport(db: Kysely<Database>, id: string, owner: string, error: string | null, retryInMs: number): Promise<void> {
  await db
    .updateTable("users.imports")
    .set({
      lease_owner: null,
      lease_until: retryInMs > 0 ? sql<Date>`now() + ${interval(retryInMs)}::interval` : null,
      attempts: retryInMs > 0 ? sql<number>`attempts` : sql<number>`greatest(attempts - 1, 0)`,
      error_message: error === null ? sql<string | null>`error_message` : error.slice(0, 2000),
      updated_at: sql<Date>`now()`,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}

/** Ends the job as failed with a reason the user can act on. */
export async function failImport(db: Kysely<Database>, id: string, owner: string, code: string, message: string): Promise<void> {
  await db
    .updateTable("users.imports")
    .set({
      status: "failed",
      error_code: code,
      error_message: message.slice(0, 2000),
      source_file: null,
      lease_owner: null,
      lease_until: null,
      finished_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}
