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
 * Appends records in ONE statement and returns where each landed (same order
 * as `records`). Run inside the caller's transaction it commits with it;
 * alone, the statement is its own transaction. It takes each partition's
 * counter row lock in a fixed order (concurrent publishers cannot deadlock)
 * and holds it until commit, which keeps offsets gap-free and in commit order.
 *
 * It sends no NOTIFY: in the data transaction NOTIFY would serialise every
 * commit on a database-wide lock. After committing, call the log's
 * `wake(topics)`, which notifies outside any transaction.
 * @example await db.transaction().execute((trx) => appendToLog(trx, [{ topic, key, value }]))
 */
export async function appendToLog(
  db: Kysely<Database>,
  records: readonly LogRecordInput[],
  topics: TopicPartitions = new TopicPartitions(),
): Promise<LogPosition[]> {
  if (records.length === 0) return [];
  const inputs = records.map((record) => recordInput.parse(record));
  const counts = await topics.of(
    db,
    inputs.map((record) => record.topic),
  );
  const partitions = inputs.map((record) => partitionFor(record.key, counts.get(record.topic) ?? 1));
  // Each record's place among its partition's records of this call.
  const sizes = new Map<string, { topic: string; partition: number; count: number }>();
  const ordinals = inputs.map((record, index) => {
    const partition = partitions[index] ?? 0;
    const entry = sizes.get(slot(record.topic, partition)) ?? { topic: record.topic, partition, count: 0 };
    sizes.set(slot(record.topic, partition), entry);
    return entry.count++;
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
    ), bumped as (
      update events.log_partitions p set next_offset = p.next_offset + w.n
      from wanted w, locked l
      where p.topic = w.topic and p.partition = w.partition and l.topic = p.topic and l.partition = p.partition
      returning p.topic, p.partition, p.next_offset - w.n as first
    ), appended as (
      insert into events.log_records (topic, partition, record_offset, key, value, headers, created_at)
      select r.topic, r.partition, b.first + r.ordinal, r.key, r.value, r.headers::jsonb, statement_timestamp()
      from unnest(
        ${inputs.map((r) => r.topic)}::text[], ${partitions}::int[], ${ordinals}::int[],
        ${inputs.map((r) => r.key)}::text[], ${inputs.map((r) => r.value)}::text[], ${inputs.map((r) => JSON.stringify(r.headers ?? {}))}::text[]
      ) as r (topic, partition, ordinal, key, value, headers)
      join bumped b on b.topic = r.topic and b.partition = r.partition
    )
    select topic, partition, first::text as first from bumped`.execute(db);
  // Cannot happen for topics made by ensureTopics (topic and partitions commit together).
  if (reserved.rows.length !== wanted.length) throw new Error("EventLog partitions are missing for some topics; run ensureTopics");
  const first = new Map(reserved.rows.map((row) => [slot(row.topic, row.partition), BigInt(row.first)]));
  return inputs.map((record, index) => {
    const partition = partitions[index] ?? 0;
    const offset = (first.get(slot(record.topic, partition)) ?? 0n) + BigInt(ordinals[index] ?? 0);
    return { topic: record.topic, partition, offset: offset.toString() };
  });
}

const slot = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
