/**
 * Idempotency keys answer repeats of a request for a day (clients retry within
 * minutes; Stripe and the IETF draft keep keys about that long), then go.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export const idempotencyKeyRetentionMs = 24 * 3_600_000;

export async function dropOldIdempotencyKeys(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const result = await db
    .deleteFrom("billing.idempotency_keys")
    .where("created_at", "<", new Date(now.getTime() - idempotencyKeyRetentionMs))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
