import type { ColumnType, Generated, JSONColumnType } from "kysely";

export interface OutboxTable {
  seq: Generated<string>;
  id: string;
  topic: string;
  key: string;
  type: string;
  event: JSONColumnType<Record<string, unknown>>;
  created_at: Generated<Date>;
  relayed_at: Date | null;
}

export interface InboxTable {
  consumer: string;
  event_id: string;
  handled_at: Generated<Date>;
}

/** bigint: pg returns it as a decimal string. */
type BigInt = ColumnType<string, string | number | bigint, string | number | bigint>;

/** events.consumer_lag (migrations/0130): each group's lag as it last measured it. */
export interface ConsumerLagTable {
  group_id: string;
  topic: string;
  partition: number;
  committed_offset: BigInt;
  end_offset: BigInt;
  lag: BigInt;
  measured_at: ColumnType<Date, Date | string, Date | string>;
}

/** events.dead_letters (migrations/0130): dead letters copied from the `.dlq` topics, and their replays. */
export interface DeadLettersTable {
  id: Generated<string>;
  dlq_topic: string;
  dlq_partition: number;
  dlq_offset: BigInt;
  original_topic: string;
  original_partition: number | null;
  original_offset: ColumnType<string | null, string | number | null, string | number | null>;
  consumer_group: string | null;
  reason: string | null;
  error_message: string | null;
  attempts: number | null;
  event_id: string | null;
  event_type: string | null;
  key: string;
  value: string;
  headers: JSONColumnType<Record<string, string>>;
  failed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  received_at: Generated<Date>;
  replay_requested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  replay_requested_by: string | null;
  replayed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
