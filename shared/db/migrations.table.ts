import type { Generated } from "kysely";

export interface MigrationsTable {
  name: string;
  checksum: string;
  applied_at: Generated<Date>;
}
