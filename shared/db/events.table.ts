import type { Generated, JSONColumnType } from "kysely";

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
