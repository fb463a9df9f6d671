import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

/** Runs one unit of the embedded log's database work. */
export type Run = <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/**
 * On PostgreSQL a unit of work runs as it is. PGlite serves every connection
 * on ONE session, and its socket server (pglite-socket 0.2.17) interleaves the
 * extended-protocol messages (Parse, Bind, Execute) of different connections
 * unless that session is inside a transaction, so one connection can bind
 * another's statement (electric-sql/pglite#1046). There each unit runs in an
 * explicit transaction, which pins the session to its connection.
 */
export function sessionRunner(db: Kysely<Database>): Run {
  let onPglite: Promise<boolean> | null = null;
  // No parameters: a simple-protocol query, which the socket server never splits.
  const detect = async (): Promise<boolean> => {
    const result = await sql<{ version: string }>`select version() as version`.execute(db);
    return result.rows[0]?.version.includes("PGlite") ?? false;
  };
  return async function run<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    onPglite ??= detect().catch((error: unknown) => {
      onPglite = null;
      throw error;
    });
    if (!(await onPglite) || db.isTransaction) return work(db);
    return db.transaction().execute(work);
  };
}
