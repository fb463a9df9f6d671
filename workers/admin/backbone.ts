/**
 * The event backbone as the admin console sees it. The edge cannot reach
 * Kafka: it reads what the origin wrote into the database — each consumer
 * group's lag (events.consumer_lag, written on the group's lag timer) and the
 * dead letters copied from the `.dlq` topics (events.dead_letters, by the
 * origin's dead-letters service, which also publishes the replays asked for here).
 */
import { sql, type Kysely, type Selectable } from "kysely";
import { recordAudit, type AuditActor } from "../../shared/audit/audit-log.ts";
import type { Database } from "../../shared/db/database.ts";
import type { DeadLettersTable } from "../../shared/db/events.table.ts";
import { AppError } from "../../shared/errors.ts";

/** Far above groups × partitions today (about a dozen groups, at most 6 partitions each). */
const maxLagRows = 5_000;

export interface GroupLag {
  group: string;
  lag: number;
  /** The oldest measurement among its partitions: the whole group is at least this fresh. */
  measured_at: string;
  partitions: Array<{ topic: string; partition: number; committed_offset: string; end_offset: string; lag: number; measured_at: string }>;
}

export async function readConsumerLag(db: Kysely<Database>): Promise<{ groups: GroupLag[]; measured_at: string | null }> {
  const rows = await db.selectFrom("events.consumer_lag").selectAll().orderBy("group_id").orderBy("topic").orderBy("partition").limit(maxLagRows).execute();
  const groups = new Map<string, GroupLag>();
  let newest: Date | null = null;
  for (const row of rows) {
    const measuredAt = new Date(row.measured_at);
    if (!newest || measuredAt > newest) newest = measuredAt;
    let group = groups.get(row.group_id);
    if (!group) {
      group = { group: row.group_id, lag: 0, measured_at: measuredAt.toISOString(), partitions: [] };
      groups.set(row.group_id, group);
    }
    group.lag += Number(row.lag);
    if (measuredAt.toISOString() < group.measured_at) group.measured_at = measuredAt.toISOString();
    group.partitions.push({
      topic: row.topic,
      partition: row.partition,
      committed_offset: String(row.committed_offset),
      end_offset: String(row.end_offset),
      lag: Number(row.lag),
      measured_at: measuredAt.toISOString(),
    });
  }
  return { groups: [...groups.values()], measured_at: newest?.toISOString() ?? null };
}

export type DeadLetterState = "parked" | "replay_requested" | "replayed";

export interface DeadLetterFilter {
  topic?: string;
  state?: DeadLetterState;
  /** Rows with an id below this (the previous page's last id). */
  before?: string;
  limit: number;
}

export async function listDeadLetters(db: Kysely<Database>, filter: DeadLetterFilter): Promise<Selectable<DeadLettersTable>[]> {
  let query = db.selectFrom("events.dead_letters").selectAll().orderBy("id", "desc").limit(filter.limit);
  if (filter.topic) query = query.where("original_topic", "=", filter.topic);
  if (filter.state === "parked") query = query.where("replay_requested_at", "is", null);
  if (filter.state === "replay_requested") query = query.where("replay_requested_at", "is not", null).where("replayed_at", "is", null);
  if (filter.state === "replayed") query = query.where("replayed_at", "is not", null);
  if (filter.before) query = query.where("id", "<", sql<string>`${filter.before}::bigint`);
  return query.execute();
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export function deadLetterView(row: Selectable<DeadLettersTable>) {
  return {
    id: String(row.id),
    original_topic: row.original_topic,
    original_partition: row.original_partition,
    original_offset: row.original_offset === null ? null : String(row.original_offset),
    consumer_group: row.consumer_group,
    reason: row.reason,
    error_message: row.error_message,
    attempts: row.attempts,
    event_id: row.event_id,
    event_type: row.event_type,
    key: row.key,
    value: row.value,
    headers: row.headers,
    failed_at: iso(row.failed_at),
    received_at: new Date(row.received_at).toISOString(),
    state: (row.replayed_at ? "replayed" : row.replay_requested_at ? "replay_requested" : "parked") as DeadLetterState,
    replay_requested_at: iso(row.replay_requested_at),
    replay_requested_by: row.replay_requested_by,
    replayed_at: iso(row.replayed_at),
  };
}

/**
 * Marks a dead letter for replay, audited in the same transaction; the origin's
 * dead-letters service publishes it to its original topic and sets replayed_at.
 * Once per dead letter: if the replay fails again, it is parked anew (a new row).
 */
export async function requestReplay(db: Kysely<Database>, input: { id: string; actor: AuditActor & { userId: string }; requestId?: string }) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("events.dead_letters").selectAll().where("id", "=", input.id).forUpdate().executeTakeFirst();
    if (!row) throw new AppError("NOT_FOUND", "No dead letter has this id.");
    if (row.replay_requested_at) {
      throw new AppError(
        "CONFLICT",
        row.replayed_at
          ? "This dead letter was replayed already; if it failed again, replay its new dead letter."
          : "A replay of this dead letter is already waiting.",
      );
    }
    const updated = await trx
      .updateTable("events.dead_letters")
      .set({ replay_requested_at: sql<Date>`now()`, replay_requested_by: input.actor.userId })
      .where("id", "=", row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: input.actor,
      action: "dead_letter.replay",
      targetType: "dead_letter",
      targetId: String(row.id),
      before: { state: "parked" },
      after: { state: "replay_requested", original_topic: row.original_topic, event_id: row.event_id, event_type: row.event_type },
      requestId: input.requestId ?? null,
    });
    return updated;
  });
}
