import type { Kysely } from "kysely";
import { sql } from "kysely";
import { startEmbeddedDatabase } from "../../origin/platform/embedded-database.ts";
import type { Database } from "../db/database.ts";
import { readMigrations } from "../db/migration-files.ts";
import { migrate } from "../db/migrator.ts";
import { createPostgresDatabase } from "../db/postgres.ts";
import { withDatabase } from "../db/urls.ts";

export type DatabaseKind = "pglite" | "postgres";

export interface TestDatabase {
  kind: DatabaseKind;
  /** postgres:// URL of this test's own, freshly migrated database. */
  url: string;
  db: Kysely<Database>;
  drop(): Promise<void>;
}

/**
 * Which databases a suite runs on: always the embedded PGlite, and the real
 * PostgreSQL at DATABASE_URL when it is set. CI sets it, so skipping the real
 * server there is an error, not a silent pass.
 */
export function databaseKinds(): DatabaseKind[] {
  if (process.env.DATABASE_URL) return ["pglite", "postgres"];
  if (process.env.CI === "true") throw new Error("CI=true but DATABASE_URL is not set: the PostgreSQL suites must run in CI");
  return ["pglite"];
}

/**
 * A fresh database, migrated: on PostgreSQL a new database on the DATABASE_URL
 * server (dropped by `drop`), on PGlite a new in-memory instance on its own socket.
 */
export async function createTestDatabase(kind: DatabaseKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let url: string;
  let dropServer: () => Promise<void>;
  if (kind === "postgres") {
    const adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) throw new Error("DATABASE_URL is required for the postgres test database");
    const name = `tunec_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const admin = createPostgresDatabase(adminUrl, { maxConnections: 1 });
    await sql`create database ${sql.id(name)}`.execute(admin);
    await admin.destroy();
    url = withDatabase(adminUrl, name);
    dropServer = async () => {
      const cleaner = createPostgresDatabase(adminUrl, { maxConnections: 1 });
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleaner);
      } finally {
        await cleaner.destroy();
      }
    };
  } else {
    const embedded = await startEmbeddedDatabase({ port: 0 });
    url = embedded.url;
    dropServer = () => embedded.stop();
  }
  const db = createPostgresDatabase(url, { maxConnections: 5 });
  if (options.migrate !== false) await migrate(db, await readMigrations());
  return {
    kind,
    url,
    db,
    async drop() {
      await db.destroy();
      await dropServer();
    },
  };
}
