/**
 * `npm run bench:scale`: the scale-out curve of one consumer group. A topic
 * with 8 partitions; 1, 2 and 4 consumer processes (real child processes,
 * scripts/bench/scale-consumer.ts) in one group; per run N records are
 * published as fast as the publisher goes once every process has joined, and
 * the clock runs until the group's lag is zero. Prints per adapter and process
 * count: throughput, the highest group lag seen (sampled every 100 ms), and
 * publish→handled latency p50/p99.
 *
 * Each batch's effect is one idempotent insert in PostgreSQL (the shape of an
 * inbox write): the figure is the origin's, not a bare broker's.
 * Runs on a fresh database on DATABASE_URL (dropped afterwards), or on an
 * in-memory PGlite without it; Kafka when KAFKA_BROKERS is set.
 *
 *   npm run bench:scale -- [--events 20000] [--processes 1,2,4] [--adapters kafka,postgres]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { createEventLog } from "../../origin/events/event-log-factory.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    processes: { type: "string", default: "1,2,4" },
    adapters: { type: "string", default: "kafka,postgres" },
  },
});
const totalEvents = Number(values.events);
const processCounts = values.processes.split(",").map(Number);
const partitions = 8;
const config = parseConfig(nodeConfigSchema, process.env);
const logger = createLogger({ service: "bench-scale" }, "warn");

interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  result: Promise<{ handled: number; latencies: number[] }>;
}

function startChild(env: NodeJS.ProcessEnv): Child {
  const child = spawn(join(root, "node_modules", ".bin", "tsx"), ["scripts/bench/scale-consumer.ts"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('{"ready":true}')) markReady();
  });
  const result = new Promise<{ handled: number; latencies: number[] }>((resolve, reject) => {
    child.once("exit", () => {
      const last = output
        .trim()
        .split("\n")
        .filter((line) => line.startsWith('{"handled"'))
        .at(-1);
      if (last) resolve(JSON.parse(last) as { handled: number; latencies: number[] });
      else reject(new Error(`a consumer process ended without its figures:\n${output}`));
    });
  });
  return { process: child, ready, result };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function benchAdapter(adapter: "kafka" | "postgres"): Promise<void> {
  const database = await createTestDatabase(config.DATABASE_URL ? "postgres" : "pglite");
  const brokers = adapter === "kafka" ? config.KAFKA_BROKERS : undefined;
  const { log } = createEventLog({ DATABASE_URL: database.url, KAFKA_BROKERS: brokers }, database.db, logger);
  const label = `${adapter.padEnd(8)} (database: ${database.kind})`;
  try {
    await sql`create table public.bench_scale_effects (id text primary key)`.execute(database.db);
    for (const count of processCounts) {
      const run = crypto.randomUUID().slice(0, 8);
      const topic = `bench.scale.${run}`;
      const group = `bench-scale-${run}`;
      await log.ensureTopics([{ name: topic, partitions }]);
      const { DATABASE_URL: _d, KAFKA_BROKERS: _k, ...rest } = process.env;
      const env = { ...rest, DATABASE_URL: database.url, SCALE_TOPIC: topic, SCALE_GROUP: group, ...(brokers ? { KAFKA_BROKERS: brokers.join(",") } : {}) };
      const children = Array.from({ length: count }, () => startChild(env));
      try {
        await Promise.all(children.map((child) => child.ready));
        // The group settles (Kafka's join and sync, the PostgreSQL log's lease rebalance).
        await new Promise((resolve) => setTimeout(resolve, adapter === "kafka" ? 6_000 : 4_000));
        const started = performance.now();
        let maxLag = 0;
        let published = 0;
        const publishing = (async () => {
          for (; published < totalEvents; ) {
            const batch = Array.from({ length: Math.min(500, totalEvents - published) }, () => ({
              topic,
              key: crypto.randomUUID(),
              value: String(Date.now()),
            }));
            await log.publish(batch);
            published += batch.length;
          }
        })();
        let lag = Number.POSITIVE_INFINITY;
        const deadline = Date.now() + 300_000;
        while (Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const partitionsLag = await log.lag(group, [topic]);
          const committed = partitionsLag.reduce((sum, partition) => sum + Number(partition.committed), 0);
          lag = published - committed;
          maxLag = Math.max(maxLag, lag);
          if (published === totalEvents && lag <= 0) break;
        }
        await publishing;
        const elapsed = (performance.now() - started) / 1000;
        for (const child of children) child.process.kill("SIGTERM");
        const results = await Promise.all(children.map((child) => child.result));
        const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
        const shares = results.map((result) => result.handled).join("/");
        console.log(
          `${label}  ${count} process${count > 1 ? "es" : "  "} × ${partitions} partitions: ${Math.round(totalEvents / elapsed)} events/s` +
            ` (${totalEvents} in ${elapsed.toFixed(1)} s${lag > 0 ? `, ${lag} NOT CONSUMED` : ""}; handled ${shares}); max lag ${maxLag};` +
            ` latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
        );
      } finally {
        for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL");
      }
    }
  } finally {
    await log.close();
    await database.drop();
  }
}

for (const adapter of values.adapters.split(",").map((name) => name.trim())) {
  if (adapter !== "postgres" && adapter !== "kafka") throw new Error(`unknown adapter ${adapter}`);
  if (adapter === "kafka" && !config.KAFKA_BROKERS) {
    console.log("kafka     skipped: set KAFKA_BROKERS (npm run kafka:start prints it)");
    continue;
  }
  await benchAdapter(adapter);
}
