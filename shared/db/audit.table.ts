import type { ColumnType, Generated } from "kysely";

/** audit.entries (migrations/0100): the append-only log of admin and editor actions. */
export interface AuditEntriesTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor_id: string | null;
  actor_roles: ColumnType<string[], string[] | undefined, never>;
  action: string;
  target_type: string;
  target_id: string;
  before: ColumnType<unknown, string | null | undefined, never>;
  after: ColumnType<unknown, string | null | undefined, never>;
  reason: string | null;
  request_id: string | null;
}
