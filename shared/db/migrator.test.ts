import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../testing/test-database.ts";
import { readMigrations } from "./migration-files.ts";
import { checksum, migrate, MigrationError, type Migration } from "./migrator.ts";

const contexts = ["auth", "users", "catalog", "ingestion", "billing", "notify", "search", "recs", "ads", "events"];

describe.each(databaseKinds())("migrations on %s", (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind, { migrate: false });
  });
  afterEach(async () => {
    await database.drop();
  });

  it("applies every project migration in order, recording name and checksum", async () => {
    const migrations = await readMigrations();
    const result = await migrate(database.db, migrations);
    expect(result.applied).toEqual(migrations.map((m) => m.name));
    const rows = await database.db.selectFrom("public.schema_migrations").select(["name", "checksum"]).orderBy("name").execute();
    expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => m.name));
    const first = migrations[0];
    expect(first).toBeDefined();
    if (first) expect(rows[0]?.checksum).toBe(await checksum(first.sql));
    const schemas = await sql<{ nspname: string }>`select nspname from pg_namespace`.execute(database.db);
    expect(schemas.rows.map((r) => r.nspname)).toEqual(expect.arrayContaining(contexts));
  });

  it("is a no-op the second time", async () => {
    const migrations = await readMigrations();
    await migrate(database.db, migrations);
    const again = await migrate(database.db, migrations);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(migrations.map((m) => m.name));
  });

  it("refuses an applied migration that was edited", async () => {
    const migrations: Migration[] = [{ name: "0001_a.sql", sql: "create table public.a (id int)" }];
    await migrate(database.db, migrations);
    const edited = [{ name: "0001_a.sql", sql: "create table public.a (id bigint)" }];
    await expect(migrate(database.db, edited)).rejects.toThrow(MigrationError);
    await expect(migrate(database.db, edited)).rejects.toThrow(/0001_a\.sql was edited/);
  });

  it("refuses when an applied migration disappeared from the folder", async () => {
    await migrate(database.db, [{ name: "0001_a.sql", sql: "create table public.a (id int)" }]);
    await expect(migrate(database.db, [])).rejects.toThrow(/0001_a\.sql is applied in the database but missing/);
  });

  it("rolls back a failing migration entirely and keeps the earlier ones", async () => {
    const migrations: Migration[] = [
      { name: "0001_ok.sql", sql: "create table public.ok (id int)" },
      { name: "0002_bad.sql", sql: "create table public.half (id int); select * from public.nope" },
    ];
    await expect(migrate(database.db, migrations)).rejects.toThrow();
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(database.db);
    const names = tables.rows.map((r) => r.tablename);
    expect(names).toContain("ok");
    expect(names).not.toContain("half");
    const applied = await database.db.selectFrom("public.schema_migrations").select("name").execute();
    expect(applied.map((r) => r.name)).toEqual(["0001_ok.sql"]);
  });

  it("serialises concurrent migrators so each migration runs once", async () => {
    const migrations: Migration[] = [
      { name: "0001_a.sql", sql: "create table public.a (id int)" },
      { name: "0002_b.sql", sql: "create table public.b (id int)" },
    ];
    const results = await Promise.all([migrate(database.db, migrations), migrate(database.db, migrations)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(["0001_a.sql", "0002_b.sql"]);
  });
});
