import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { LogRecord } from "./event-log.ts";
import type { PartitionRef } from "./postgres-event-log-leases.ts";

interface RecordRow {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  created_at: Date;
}

/** Map key of a partition. */
export const slot = (ref: PartitionRef): string => `${ref.topic}\u0000${ref.partition}`;

/**
 * Up to `maxBatchSize` records of every given partition from its position on,
 * in ONE query (a primary-key range scan per partition), grouped by partition
 * in offset order.
 */
export async function fetchBatches(
  db: Kysely<Database>,
  from: ReadonlyArray<PartitionRef & { position: bigint }>,
  maxBatchSize: number,
): Promise<Map<string, LogRecord[]>> {
  const rows = await sql<RecordRow>`
    select r.topic, r.partition, r.record_offset::text as offset, r.key, r.value, r.headers, r.created_at
    from unnest(${from.map((p) => p.topic)}::text[], ${from.map((p) => p.partition)}::int[], ${from.map((p) => p.position.toString())}::bigint[])
      as o (topic, partition, position)
    cross join lateral (
      select * from events.log_records x
      where x.topic = o.topic and x.partition = o.partition and x.record_offset >= o.position
      order by x.record_offset limit ${maxBatchSize}
    ) r
    order by r.topic, r.partition, r.record_offset`.execute(db);
  const batches = new Map<string, LogRecord[]>();
  for (const row of rows.rows) {
    const record: LogRecord = {
      topic: row.topic,
      partition: row.partition,
      offset: row.offset,
      key: row.key,
      value: row.value,
      headers: row.headers,
      timestamp: row.created_at,
    };
    const batch = batches.get(slot(record));
    if (batch) batch.push(record);
    else batches.set(slot(record), [record]);
  }
  return batches;
}
