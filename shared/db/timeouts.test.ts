import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { createPostgresDatabase } from "./postgres.ts";
import { isDatabaseTimeout } from "./timeouts.ts";

// Real PostgreSQL: statement_timeout and idle_in_transaction_session_timeout are server settings.
describe("database timeouts", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres", { migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("a slow statement fails fast as a timeout instead of hanging", async () => {
    const db = createPostgresDatabase(database.url, { statementTimeoutMs: 200, idleInTransactionTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await sql`select pg_sleep(5)`.execute(db).catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(isDatabaseTimeout(error)).toBe(true);
      const settings = await sql<{
        statement: string;
        idle: string;
      }>`select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle`.execute(db);
      expect(settings.rows[0]).toEqual({ statement: "200ms", idle: "300ms" });
    } finally {
      await db.destroy();
    }
  });

  it("the client gives up on its own when the server does not answer (query_timeout)", async () => {
    const db = createPostgresDatabase(database.url, { queryTimeoutMs: 200 });
    try {
      const error = await sql`select pg_sleep(2)`.execute(db).catch((caught: unknown) => caught);
      expect(isDatabaseTimeout(error)).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it("tells a timeout from other errors", () => {
    expect(isDatabaseTimeout(Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }))).toBe(true);
    expect(isDatabaseTimeout(new Error("wrapped", { cause: new Error("timeout exceeded when trying to connect") }))).toBe(true);
    expect(isDatabaseTimeout(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseTimeout("57014")).toBe(false);
  });
});
