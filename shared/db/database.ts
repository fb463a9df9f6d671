/**
 * The one Kysely `Database` interface: every context's table types are gathered
 * here as `schema.table` keys. Contexts add their `*.table.ts` files and list
 * them below.
 */
import type { InboxTable, OutboxTable } from "./events.table.ts";
import type { MigrationsTable } from "./migrations.table.ts";

export interface Database {
  "public.schema_migrations": MigrationsTable;
  "events.outbox": OutboxTable;
  "events.inbox": InboxTable;
}
