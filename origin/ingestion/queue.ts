/**
 * ingestion.uploads as a work queue. A worker claims the oldest upload in a
 * state with a lease (`for update skip locked`: parallel workers never take
 * the same row); a crash leaves the lease to run out and the upload is taken
 * again. Final transitions check the lease owner (uploads.ts), so a worker
 * that lost its lease cannot publish twice.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { UploadState } from "../../shared/db/ingestion.table.ts";
import type { UploadRow } from "../../workers/ingestion/domain/uploads.ts";

export async function claimUpload(db: Kysely<Database>, state: UploadState, owner: string, leaseMs: number): Promise<UploadRow | undefined> {
  const result = await sql<UploadRow>`
    update ingestion.uploads
       set lease_owner = ${owner},
           lease_until = now() + ${`${Math.ceil(leaseMs)} milliseconds`}::interval,
           attempts = attempts + 1
     where id = (
       select id from ingestion.uploads
        where state = ${state} and (lease_until is null or lease_until < now())
        order by updated_at
        limit 1
        for update skip locked)
    returning *`.execute(db);
  return result.rows[0];
}

/** Gives the upload back after a failure; it is tried again after `retryInMs`. */
export async function releaseUpload(db: Kysely<Database>, id: string, owner: string, error: string, retryInMs: number): Promise<void> {
  await db
    .updateTable("ingestion.uploads")
    .set({ lease_owner: null, lease_until: sql<Date>`now() + ${`${Math.ceil(retryInMs)} milliseconds`}::interval`, last_error: error.slice(0, 2000) })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}

/** Milliseconds until the earliest lease in `state` runs out (an upload becomes claimable again), or null. */
export async function msUntilNextLease(db: Kysely<Database>, state: UploadState): Promise<number | null> {
  const result = await sql<{ ms: number | string | null }>`
    select extract(epoch from min(lease_until) - now()) * 1000 as ms
      from ingestion.uploads
     where state = ${state} and lease_until >= now()`.execute(db);
  const ms = result.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.ceil(Number(ms));
}

/** Work waiting in `state` (for tests and lag logs). */
export async function pendingCount(db: Kysely<Database>, state: UploadState): Promise<number> {
  const row = await db
    .selectFrom("ingestion.uploads")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("state", "=", state)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
