import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedDatabase } from "./embedded-database.ts";

describe("embedded database (PGlite on a socket)", () => {
  // Regression for electric-sql/pglite#1046: parameterised queries of several
  // clients, some inside transactions, must neither fail nor get each other's
  // parameters (see pglite-socket-pinning.ts).
  it("keeps concurrent clients' extended-query batches apart", async () => {
    const database = await startEmbeddedDatabase({ port: 0 });
    const pool = new pg.Pool({ connectionString: database.url, max: 6 });
    try {
      await pool.query("create table t (id int primary key, v text)");
      let wrong = 0;
      const errors: string[] = [];
      await Promise.all(
        Array.from({ length: 6 }, async (_, worker) => {
          for (let i = 0; i < 60; i++) {
            try {
              if (worker % 3 === 0) {
                const client = await pool.connect();
                try {
                  await client.query("begin");
                  await client.query("insert into t values ($1, $2)", [worker * 1000 + i, "x"]);
                  const echoed = await client.query<{ v: number }>("select $1::int as v", [i]);
                  if (echoed.rows[0]?.v !== i) wrong++;
                  await client.query(i % 2 ? "commit" : "rollback");
                } finally {
                  client.release();
                }
              } else if (worker % 3 === 1) {
                const result = await pool.query<{ v: number }>("select $1::int + 1 as v", [i]);
                if (result.rows[0]?.v !== i + 1) wrong++;
              } else {
                const result = await pool.query<{ v: string }>("select $1::text || $2::text as v", ["a", String(i)]);
                if (result.rows[0]?.v !== `a${i}`) wrong++;
              }
            } catch (error) {
              errors.push(String(error));
            }
          }
        }),
      );
      expect(errors).toEqual([]);
      expect(wrong).toBe(0);
      const committed = await pool.query<{ n: string }>("select count(*)::text as n from t");
      expect(committed.rows[0]?.n).toBe(String(2 * 30));
    } finally {
      await pool.end();
      await database.stop();
    }
  }, 120_000);

  it("recovers after a failed statement instead of stalling the queue", async () => {
    const database = await startEmbeddedDatabase({ port: 0 });
    const pool = new pg.Pool({ connectionString: database.url, max: 3 });
    try {
      await expect(pool.query("select $1::int / 0", [1])).rejects.toThrow(/division by zero/);
      const results = await Promise.all([1, 2, 3].map((n) => pool.query<{ v: number }>("select $1::int as v", [n])));
      expect(results.map((r) => r.rows[0]?.v)).toEqual([1, 2, 3]);
    } finally {
      await pool.end();
      await database.stop();
    }
  }, 60_000);

  it("persists data in its folder across restarts", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "tunec-pglite-"));
    try {
      const first = await startEmbeddedDatabase({ port: 0, dataDir });
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query("create table kept (v text)");
      await client.query("insert into kept values ($1)", ["across restarts"]);
      await client.end();
      await first.stop();

      const second = await startEmbeddedDatabase({ port: 0, dataDir });
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      const rows = await again.query<{ v: string }>("select v from kept");
      await again.end();
      await second.stop();
      expect(rows.rows).toEqual([{ v: "across restarts" }]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
