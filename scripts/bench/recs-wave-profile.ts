/**
 * Where a `GET /me/wave` spends its time, outside the Worker: the same domain
 * code (nextWave + the records statement) on a fresh connection per request,
 * as the edge opens one, with the time of the connect, of each statement and
 * of the JavaScript in between; then each statement's planning and execution
 * time as PostgreSQL reports them (EXPLAIN ANALYZE), on a fresh connection
 * and on a warm one. Not a test: it prints figures.
 *
 *   npm run bench:recs:profile [-- --requests 40 --listeners 100 --tracks 2000]
 */
import { parseArgs } from "node:util";
import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../../shared/db/database.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { findTracks } from "../../workers/catalog/repository.ts";
import { nextWave, recordServed } from "../../workers/recs/domain/wave.ts";
import { seedWaveBench } from "./recs-seed.ts";

const { values: options } = parseArgs({
  options: { requests: { type: "string", default: "40" }, listeners: { type: "string", default: "100" }, tracks: { type: "string", default: "2000" } },
});
const requests = Number(options.requests);

interface Logged {
  sql: string;
  parameters: readonly unknown[];
  ms: number;
}

function open(url: string, logged: Logged[]): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === "query") logged.push({ sql: event.query.sql, parameters: event.query.parameters, ms: event.queryDurationMillis });
    },
  });
  return { db, pool };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? Number.NaN;
};
const shortName = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 60);

async function main(): Promise<void> {
  const database = await createTestDatabase("postgres");
  try {
    const { listenerIds } = await seedWaveBench(database.db, { trackCount: Number(options.tracks), listenerCount: Number(options.listeners) });
    await sql`analyze`.execute(database.db);
    const phases = new Map<string, number[]>();
    const note = (name: string, ms: number) => phases.set(name, [...(phases.get(name) ?? []), ms]);
    let last: Logged[] = [];
    for (let i = 0; i < requests + 5; i += 1) {
      const logged: Logged[] = [];
      const started = performance.now();
      const { db, pool } = open(database.url, logged);
      (await pool.connect()).release();
      const connected = performance.now();
      const wave = await nextWave(db, listenerIds[i % listenerIds.length] ?? "", 10);
      await findTracks(
        db,
        wave.ranked.map((row) => row.id),
        recordServed(wave.sessionId, wave.served),
      );
      const done = performance.now();
      await db.destroy();
      if (i < 5) continue; // warm-up of this process (module JIT), not of the connection
      note("connect", connected - started);
      logged.forEach((query, index) => note(`statement ${index + 1}: ${shortName(query.sql)}`, query.ms));
      note("JavaScript and driver (total − connect − statements)", done - connected - logged.reduce((sum, query) => sum + query.ms, 0));
      note("total", done - started);
      last = logged;
    }
    console.log(
      `${requests} wave requests, a fresh connection each (node-postgres, no Worker), load ${(await import("node:fs")).readFileSync("/proc/loadavg", "utf8").trim()}`,
    );
    for (const [name, values] of phases)
      console.log(`  ${name.padEnd(80)} p50 ${median(values).toFixed(1).padStart(6)} ms   p95 ${p95(values).toFixed(1).padStart(6)} ms`);

    // Planning vs execution of the last request's statements as the server sees them.
    console.log("EXPLAIN (ANALYZE) of each statement, 15 times: planning / execution p50, on a fresh connection and on a warm one");
    for (const [index, query] of last.entries()) {
      const explain = CompiledQuery.raw(`explain (analyze, summary, format json) ${query.sql}`, [...query.parameters]);
      const run = async (db: Kysely<Database>) => {
        const result = await db.executeQuery<{ "QUERY PLAN": Array<{ "Planning Time": number; "Execution Time": number }> }>(explain);
        const plan = result.rows[0]?.["QUERY PLAN"][0];
        return { planning: plan?.["Planning Time"] ?? Number.NaN, execution: plan?.["Execution Time"] ?? Number.NaN };
      };
      const fresh = { planning: [] as number[], execution: [] as number[] };
      const warm = { planning: [] as number[], execution: [] as number[] };
      const warmDb = open(database.url, []).db;
      for (let i = 0; i < 15; i += 1) {
        const { db } = open(database.url, []);
        const a = await run(db);
        await db.destroy();
        fresh.planning.push(a.planning);
        fresh.execution.push(a.execution);
        const b = await run(warmDb);
        warm.planning.push(b.planning);
        warm.execution.push(b.execution);
      }
      await warmDb.destroy();
      console.log(
        `  statement ${index + 1}: fresh plan ${median(fresh.planning).toFixed(2)} / exec ${median(fresh.execution).toFixed(2)} ms;` +
          ` warm plan ${median(warm.planning).toFixed(2)} / exec ${median(warm.execution).toFixed(2)} ms   ${shortName(query.sql)}`,
      );
    }
  } finally {
    await database.drop();
  }
}

await main();
