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
 *
 * Concurrent migrators serialise on a transaction-scoped advisory lock taken in
 * every migration's transaction, and re-check inside it whether another one
 * already applied the migration. (A session-scoped lock would not do: PGlite's
 * socket server multiplexes all clients onto one session, where it is reentrant.)
 */
export async function migrate(db: Kysely<Database>, migrations: readonly Migration[]): Promise<MigrationResult> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${migrationLockKey})`.execute(trx);
    await sql`create table if not exists public.schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
  });
  const applied = await db.selectFrom("public.schema_migrations").select(["name", "checksum"]).execute();
  const known = new Map(ordered.map((migration) => [migration.name, migration]));
  for (const row of applied) {
    const migration = known.get(row.name);
    if (!migration) {
      throw new MigrationError(`Migration ${row.name} is applied in the database but missing from migrations/`);
    }
    if ((await checksum(migration.sql)) !== row.checksum) {
      throw new MigrationError(`Migration ${row.name} was edited after it was applied (checksum mismatch); add a new migration instead`);
    }
  }
  const result: MigrationResult = { applied: [], alreadyApplied: applied.map((row) => row.name).sort() };
  const done = new Set(result.alreadyApplied);
  for (const migration of ordered) {
    if (done.has(migration.name)) continue;
    const sum = await checksum(migration.sql);
    const ran = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${migrationLockKey})`.execute(trx);
      const already = await trx.selectFrom("public.schema_migrations").select("name").where("name", "=", migration.name).executeTakeFirst();
      if (already) return false;
      await sql.raw(migration.sql).execute(trx);
      await trx.insertInto("public.schema_migrations").values({ name: migration.name, checksum: sum }).execute();
      return true;
    });
    if (ran) result.applied.push(migration.name);
    else result.alreadyApplied.push(migration.name);
  }
  return result;
}
