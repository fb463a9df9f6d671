import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export type CdcMode = "wal" | "trigger";

export interface ReplicationSupport {
  walLevel: string;
  /** The role may open replication connections and create slots. */
  canReplicate: boolean;
  /** Free slots and WAL senders exist on the server. */
  hasCapacity: boolean;
}

export async function replicationSupport(db: Kysely<Database>): Promise<ReplicationSupport> {
  const result = await sql<{ wal_level: string; can_replicate: boolean; slots: number; senders: number }>`
    select current_setting('wal_level') as wal_level,
           coalesce((select rolreplication or rolsuper from pg_roles where rolname = current_user), false) as can_replicate,
           current_setting('max_replication_slots')::int as slots,
           current_setting('max_wal_senders')::int as senders`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error("could not read the server's replication settings");
  return { walLevel: row.wal_level, canReplicate: row.can_replicate, hasCapacity: row.slots > 0 && row.senders > 0 };
}

export class CdcModeError extends Error {
  override readonly name = "CdcModeError";
}

/**
 * `auto` picks WAL when the server can stream logical changes to this role
 * (real PostgreSQL with wal_level=logical), else triggers (PGlite has no
 * logical replication). An explicit `wal` on a server that cannot is refused
 * with the reason, rather than silently capturing nothing.
 */
export async function resolveCdcMode(db: Kysely<Database>, requested: "auto" | CdcMode): Promise<CdcMode> {
  if (requested === "trigger") return "trigger";
  const support = await replicationSupport(db);
  const problems = [
    support.walLevel === "logical" ? null : `wal_level is ${support.walLevel}, not logical`,
    support.canReplicate ? null : "the database role lacks the REPLICATION attribute",
    support.hasCapacity ? null : "max_replication_slots or max_wal_senders is 0",
  ].filter((problem): problem is string => problem !== null);
  if (problems.length === 0) return "wal";
  if (requested === "wal") throw new CdcModeError(`CDC_MODE=wal, but ${problems.join("; ")}`);
  return "trigger";
}
