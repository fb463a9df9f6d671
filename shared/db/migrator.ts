import { sql, type Kysely } from "kysely";
import type { Database } from "./database.ts";

export interface Migration {
  /** File name, e.g. `0001_contexts.sql`; applied in lexical order. */
  name: string;
  sql: string;
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

// Any constant works; it only has to be the same for every migrator process.
const migrationLockKey = 74_142_811;

/** SHA-256 of the file's text, hex. Web Crypto so that it runs anywhere. */
export async function checksum(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Applies forward-only SQL migrations in name order, each in its own
 * transaction. Refuses to run when an applied migration was edited or removed,
 * because the database would no longer match the code that describes it.
 * Concurrent migrators serialise on an advisory lock.
 */
export async function migrate(db: Kysely<Database>, migrations: readonly Migration[]): Promise<MigrationResult> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${migrationLockKey})`.execute(conn);
    try {
      await sql`create table if not exists public.schema_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(conn);
      const applied = await conn.selectFrom("public.schema_migrations").select(["name", "checksum"]).execute();
      const known = new Map(ordered.map((migration) => [migration.name, migration]));
      for (const row of applied) {
        const migration = known.get(row.name);
        if (!migration) {
          throw new MigrationError(`Migration ${row.name} is applied in the database but missing from migrations/`);
        }
        if ((await checksum(migration.sql)) !== row.checksum) {
          throw new MigrationError(
            `Migration ${row.name} was edited after it was applied (checksum mismatch); add a new migration instead`,
          );
        }
      }
      const done = new Set(applied.map((row) => row.name));
      const result: MigrationResult = { applied: [], alreadyApplied: [...done].sort() };
      for (const migration of ordered) {
        if (done.has(migration.name)) continue;
        const sum = await checksum(migration.sql);
        await conn.transaction().execute(async (trx) => {
          await sql.raw(migration.sql).execute(trx);
          await trx.insertInto("public.schema_migrations").values({ name: migration.name, checksum: sum }).execute();
        });
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey})`.execute(conn);
    }
  });
}
