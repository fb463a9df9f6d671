import type { Generated, JSONColumnType } from "kysely";

/** Tables of the embedded EventLog (migrations/0003_event_log.sql). */
export interface LogTopicsTable {
  name: string;
  partitions: number;
  created_at: Generated<Date>;
}

export interface LogPartitionsTable {
  topic: string;
  partition: number;
  /** bigint: pg returns it as a decimal string. */
  next_offset: Generated<string>;
}

export interface LogRecordsTable {
  topic: string;
  partition: number;
  record_offset: string;
  key: string;
  value: string;
  headers: JSONColumnType<Record<string, string>>;
  created_at: Generated<Date>;
}

export interface LogGroupOffsetsTable {
  group_id: string;
  topic: string;
  partition: number;
  next_offset: string;
  updated_at: Generated<Date>;
}

export interface LogMembersTable {
  group_id: string;
  member_id: string;
  topics: string[];
  joined_at: Generated<Date>;
  expires_at: Date;
}

export interface LogLeasesTable {
  group_id: string;
  topic: string;
  partition: number;
  member_id: string;
  expires_at: Date;
}
