/**
 * Appending to the embedded log, usable inside a caller's transaction: the
 * embedded CDC relay moves outbox rows to the log in the same transaction that
 * marks them relayed, so each event reaches the log exactly once.
 */
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../shared/db/database.ts";
import type { LogRecordInput } from "./event-log.ts";
import { partitionFor } from "./partitioner.ts";

/** Channel of the wake-up hint; payload `t:<topic>` (new records) or `g:<group>` (membership changed). */
export const logChannel = "tunec_event_log";

export interface LogPosition {
  topic: string;
  partition: number;
  offset: string;
}

const recordInput = z.object({
  topic: z.string().min(1),
  key: z.string(),
  value: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
});

/**
 * Partition counts by topic. A topic's count never changes once created
 * (ensureTopics leaves existing topics alone), so it is safe to remember.
 */
export class TopicPartitions {
  readonly #known = new Map<string, number>();

  remember(topic: string, partitions: number): void {
    this.#known.set(topic, partitions);
  }

  async of(db: Kysely<Database>, topics: readonly string[]): Promise<Map<string, number>> {
    const missing = [...new Set(topics)].filter((topic) => !this.#known.has(topic));
    if (missing.length > 0) {
      const rows = await db.selectFrom("events.log_topics").select(["name", "partitions"]).where("name", "in", missing).execute();
      for (const row of rows) this.#known.set(row.name, row.partitions);
    }
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const count = this.#known.get(topic);
      if (count === undefined) throw new Error(`EventLog topic "${topic}" does not exist; create it with ensureTopics`);
      counts.set(topic, count);
    }
    return counts;
  }
}

/**
 * Appends records inside the caller's transaction (or its own, when `db` is
 * not one) and returns where each landed (same order as
 * `records`). Offsets are taken from each partition's counter row, locked in a
 * fixed order so that concurrent publishers cannot deadlock; the lock is held
 * until the caller commits. Three statements, whatever the number of records.
 * @example await db.transaction().execute((trx) => appendToLog(trx, [{ topic, key, value }]))
 */
export async function appendToLog(
  db: Kysely<Database>,
  records: readonly LogRecordInput[],
  topics: TopicPartitions = new TopicPartitions(),
): Promise<LogPosition[]> {
  if (records.length === 0) return [];
  // Outside a transaction the counter lock would be released before the
  // insert, and a reader could pass an offset that is filled in later.
  if (!db.isTransaction) return db.transaction().execute((trx) => appendInTransaction(trx, records, topics));
  return appendInTransaction(db, records, topics);
}

async function appendInTransaction(
  trx: Kysely<Database>,
  records: readonly LogRecordInput[],
  topics: TopicPartitions,
): Promise<LogPosition[]> {
  const inputs = records.map((record) => recordInput.parse(record));
  const counts = await topics.of(trx, inputs.map((record) => record.topic));
  const partitions = inputs.map((record) => partitionFor(record.key, counts.get(record.topic) ?? 1));
  const sizes = new Map<string, { topic: string; partition: number; count: number }>();
  inputs.forEach((record, index) => {
    const partition = partitions[index] ?? 0;
    const slot = `${record.topic}\u0000${partition}`;
    const entry = sizes.get(slot) ?? { topic: record.topic, partition, count: 0 };
    entry.count++;
    sizes.set(slot, entry);
  });
  const wanted = [...sizes.values()];
  const reserved = await sql<{ topic: string; partition: number; first: string }>`
    with wanted (topic, partition, n) as (
      select * from unnest(${wanted.map((w) => w.topic)}::text[], ${wanted.map((w) => w.partition)}::int[], ${wanted.map((w) => w.count)}::int[])
    ), locked as materialized (
      select p.topic, p.partition from events.log_partitions p
      join wanted w on w.topic = p.topic and w.partition = p.partition
      order by p.topic, p.partition
      for update of p
    )
    update events.log_partitions p set next_offset = p.next_offset + w.n
    from wanted w, locked l
    where p.topic = w.topic and p.partition = w.partition and l.topic = p.topic and l.partition = p.partition
    returning p.topic, p.partition, (p.next_offset - w.n)::text as first`.execute(trx);
  if (reserved.rows.length !== wanted.length) throw new Error("EventLog partitions are missing for some topics; run ensureTopics");
  const next = new Map(reserved.rows.map((row) => [`${row.topic}\u0000${row.partition}`, BigInt(row.first)]));
  const offsets = inputs.map((record, index) => {
    const slot = `${record.topic}\u0000${partitions[index] ?? 0}`;
    const offset = next.get(slot) ?? 0n;
    next.set(slot, offset + 1n);
    return offset.toString();
  });
  await sql`
    insert into events.log_records (topic, partition, record_offset, key, value, headers, created_at)
    select topic, partition, record_offset, key, value, headers::jsonb, statement_timestamp()
    from unnest(
      ${inputs.map((r) => r.topic)}::text[], ${partitions}::int[], ${offsets}::bigint[],
      ${inputs.map((r) => r.key)}::text[], ${inputs.map((r) => r.value)}::text[], ${inputs.map((r) => JSON.stringify(r.headers ?? {}))}::text[]
    ) as r (topic, partition, record_offset, key, value, headers)`.execute(trx);
  // A hint only: NOTIFY takes a database-wide lock at commit and is lost when
  // nobody listens, so consumers never depend on it — they poll regardless.
  const touched = [...new Set(inputs.map((record) => record.topic))];
  await sql`select pg_notify(${logChannel}, 't:' || topic) from unnest(${touched}::text[]) as topic`.execute(trx);
  return inputs.map((record, index) => ({ topic: record.topic, partition: partitions[index] ?? 0, offset: offsets[index] ?? "0" }));
}
