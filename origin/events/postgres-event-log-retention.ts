/**
 * Time-based retention for the embedded log, as Kafka's `retention.ms`:
 * records older than the retention are deleted whether or not every group read
 * them, so the table does not grow forever. A partition's offsets keep
 * counting; its first retained offset becomes the start for new groups.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../shared/db/database.ts";

/**
 * Deletes each partition's records older than `retentionMs`, by primary-key
 * range: the boundary is the first record young enough to keep, found by
 * walking the partition in offset order (only over what is deleted).
 * Returns how many records went.
 */
export async function pruneLog(db: Kysely<Database>, retentionMs: number): Promise<number> {
  const result = await sql`
    with bounds as (
      select p.topic, p.partition, coalesce((
        select x.record_offset from events.log_records x
        where x.topic = p.topic and x.partition = p.partition
          and x.created_at >= now() - make_interval(secs => ${retentionMs / 1000})
        order by x.record_offset limit 1
      ), p.next_offset) as keep_from
      from events.log_partitions p
    )
    delete from events.log_records r using bounds b
    where r.topic = b.topic and r.partition = b.partition and r.record_offset < b.keep_from`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** SQL for the first offset still stored in partition `p` (its end when empty): where "earliest" starts. */
export function logStart(partition: string): RawBuilder<string> {
  const p = sql.ref(partition);
  return sql<string>`coalesce((select min(x.record_offset) from events.log_records x
    where x.topic = ${p}.topic and x.partition = ${p}.partition), ${p}.next_offset)`;
}
