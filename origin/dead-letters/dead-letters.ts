/**
 * Dead letters where the admin console can see them: records parked on the
 * `<topic>.dlq` topics are copied into events.dead_letters (the dlq position
 * is the row's identity, so a redelivered record is not copied twice), and the
 * replays an admin asked for (POST /admin/dead-letters/{id}/replay sets
 * replay_requested_at) are published to the original topic.
 *
 * A replay keeps the original key, value and so the event id: consumer groups
 * that handled the event already skip it (events.inbox), the group that gave
 * up handles it. Publish, then mark: a crash between the two publishes again,
 * which the inbox absorbs the same way.
 */
import { sql, type Insertable, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { DeadLettersTable } from "../../shared/db/events.table.ts";
import { deadLetterTopic, topicSpecs } from "../../shared/events/topics.ts";
import type { Logger } from "../../shared/logger.ts";
import type { EventLog, LogRecord } from "../events/event-log.ts";

const dlqSuffix = deadLetterTopic("");

function integerOrNull(text: string | undefined): number | null {
  return text !== undefined && /^[0-9]{1,9}$/.test(text) ? Number(text) : null;
}

function eventIdentity(value: string): { id: string | null; type: string | null } {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null) return { id: null, type: null };
    const { id, type } = parsed as { id?: unknown; type?: unknown };
    return { id: typeof id === "string" ? id.slice(0, 200) : null, type: typeof type === "string" ? type.slice(0, 200) : null };
  } catch {
    // invalid-json dead letters: nothing to read, the value is kept as it is.
    return { id: null, type: null };
  }
}

/** The row for one record of a `.dlq` topic (headers as consumer/dead-letter.ts writes them). */
export function deadLetterRow(record: LogRecord): Insertable<DeadLettersTable> {
  const headers = record.headers;
  const originalTopic = headers["dlq-original-topic"] ?? (record.topic.endsWith(dlqSuffix) ? record.topic.slice(0, -dlqSuffix.length) : record.topic);
  const failedAt = headers["dlq-failed-at"] && !Number.isNaN(Date.parse(headers["dlq-failed-at"])) ? headers["dlq-failed-at"] : null;
  const originalOffset = headers["dlq-original-offset"];
  const event = eventIdentity(record.value);
  return {
    dlq_topic: record.topic,
    dlq_partition: record.partition,
    dlq_offset: record.offset,
    original_topic: originalTopic,
    original_partition: integerOrNull(headers["dlq-original-partition"]),
    original_offset: originalOffset && /^[0-9]{1,19}$/.test(originalOffset) ? originalOffset : null,
    consumer_group: headers["dlq-consumer-group"] ?? null,
    reason: headers["dlq-reason"] ?? null,
    error_message: headers["dlq-error-message"] ?? null,
    attempts: integerOrNull(headers["dlq-attempts"]),
    event_id: event.id,
    event_type: event.type,
    key: record.key,
    value: record.value,
    headers: JSON.stringify(headers),
    failed_at: failedAt,
  };
}

export async function archiveDeadLetters(db: Kysely<Database>, records: readonly LogRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db
    .insertInto("events.dead_letters")
    .values(records.map(deadLetterRow))
    .onConflict((oc) => oc.columns(["dlq_topic", "dlq_partition", "dlq_offset"]).doNothing())
    .execute();
}

/** The original headers (traceparent…) without the failure's; the replay says where it came from. */
function replayHeaders(headers: Record<string, string>, id: string): Record<string, string> {
  const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("dlq-")));
  return { ...kept, "replay-of-dead-letter": id };
}

/** Publishes the replays admins asked for, oldest request first; returns how many went out. */
export async function publishReplays(db: Kysely<Database>, log: EventLog, logger: Logger, limit = 50): Promise<number> {
  const due = await db
    .selectFrom("events.dead_letters")
    .select(["id", "original_topic", "key", "value", "headers", "event_id"])
    .where("replay_requested_at", "is not", null)
    .where("replayed_at", "is", null)
    .orderBy("id")
    .limit(limit)
    .execute();
  let published = 0;
  for (const letter of due) {
    const id = String(letter.id);
    try {
      // Kafka refuses unknown topics; an existing one is left alone.
      await log.ensureTopics(topicSpecs([letter.original_topic]));
      await log.publish([{ topic: letter.original_topic, key: letter.key, value: letter.value, headers: replayHeaders(letter.headers, id) }]);
      await db.updateTable("events.dead_letters").set({ replayed_at: sql<Date>`now()` }).where("id", "=", id).where("replayed_at", "is", null).execute();
      published += 1;
      logger.info("dead letter replayed", { dead_letter_id: id, topic: letter.original_topic, event_id: letter.event_id });
    } catch (error) {
      // Stays requested: the next pass tries again.
      logger.warn("dead letter replay failed; will retry", { dead_letter_id: id, topic: letter.original_topic, error });
    }
  }
  return published;
}
