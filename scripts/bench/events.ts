/**
 * `npm run bench:events`: end-to-end figures of the event backbone, per
 * adapter — outbox insert → CDC → event log → consumer (inbox + effect):
 *   1. throughput: N events written as fast as possible, events/s until the
 *      consumer handled the last one;
 *   2. lag at a fixed rate: p50/p99 of (handled − written) at R events/s.
 * Runs on DATABASE_URL (WAL-mode CDC on a real server) in a fresh database it
 * drops afterwards, or on an in-memory PGlite (trigger-mode CDC) without it.
 * Kafka is measured when KAFKA_BROKERS is set (`npm run kafka:start`).
 *
 * The consumer runs in its own process by default (scripts/bench/events-consumer.ts),
 * as a deployment runs the CDC and its consumers as separate services;
 * `--consumer in-process` puts it in this process beside the CDC, as before.
 * "Into the log" is when the CDC's publish of a record resolved (Kafka: acks=all).
 *
 *   npm run bench:events -- [--events 20000] [--rate 1000] [--seconds 10] [--adapters postgres,kafka] [--phases throughput,capacity,lag] [--consumer process|in-process]
 */
import { fork, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { writeOutbox } from "../../shared/events/outbox.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { cleanupOnInterrupt } from "../../origin/platform/interrupt.ts";
import { startCdc } from "../../origin/cdc/cdc.ts";
import { startConsumer } from "../../origin/events/consumer.ts";
import { createEventLog } from "../../origin/events/event-log-factory.ts";
import type { EventLog, LogRecordInput } from "../../origin/events/event-log.ts";
import type { RunningService } from "../../origin/service.ts";
import { benchConsumerOptions, benchEventType, parentMessageSchema } from "./events-ipc.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" },
    adapters: { type: "string", default: "postgres,kafka" },
    phases: { type: "string", default: "throughput,capacity,lag" },
    consumer: { type: "string", default: "process" },
  },
});
const totalEvents = Number(values.events);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const config = parseConfig(nodeConfigSchema, process.env);
const logger = createLogger({ service: "bench" }, "warn");
const eventType = benchEventType;
if (values.consumer !== "process" && values.consumer !== "in-process") throw new Error(`--consumer is process or in-process, not ${values.consumer}`);
const consumerLayout = values.consumer;
const batchSize = 100;
const writers = 8;
const tickMs = 20;
const phases = new Set(values.phases.split(",").map((phase) => phase.trim()));

interface Measured {
  handledAt: Map<string, number>;
  /** When the CDC's publish of the record resolved (durably in the log): separates CDC from the consumer. */
  loggedAt: Map<string, number>;
  writtenAt: Map<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function writeEvents(db: Kysely<Database>, count: number, measured: Measured): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++) {
      const userId = crypto.randomUUID();
      const now = new Date();
      const event = await writeOutbox(trx, {
        type: eventType,
        source: "/tunec/bench",
        data: {
          playId: crypto.randomUUID(),
          userId,
          trackId: crypto.randomUUID(),
          quality: "standard",
          deviceId: "bench",
          premium: false,
          startPositionMs: 0,
          startedAt: now.toISOString(),
        },
      });
      measured.writtenAt.set(event.id, performance.now());
    }
  });
}

const idPattern = /"id": ?"([0-9a-f-]{36})"/;

function notePublished(records: readonly LogRecordInput[], measured: Measured): void {
  const now = performance.now();
  for (const record of records) {
    const id = idPattern.exec(record.value)?.[1];
    if (id) measured.loggedAt.set(id, now);
  }
}

/** The log as the CDC sees it, noting when each record is durably in it (its publish resolved). */
function notingPublished(log: EventLog, measured: Measured): EventLog {
  return {
    ensureTopics: (topics) => log.ensureTopics(topics),
    publish: async (records) => {
      await log.publish(records);
      notePublished(records, measured);
    },
    consume: (options) => log.consume(options),
    lag: (group, topics) => log.lag(group, topics),
    close: () => log.close(),
  };
}

/** The consumer as its own service: scripts/bench/events-consumer.ts in a child process. */
async function forkConsumer(target: { url: string; brokers: string[] | undefined; group: string }, measured: Measured): Promise<RunningService> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DATABASE_URL: target.url, BENCH_GROUP: target.group };
  if (target.brokers) env.BENCH_KAFKA_BROKERS = target.brokers.join(",");
  const child: ChildProcess = fork(fileURLToPath(new URL("./events-consumer.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = once(child, "exit");
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (raw: unknown) => {
      const message = parentMessageSchema.parse(raw);
      if (message.kind === "ready") return resolve();
      // Wall time in the child → this process's performance.now() scale.
      const at = message.at - performance.timeOrigin;
      for (const id of message.ids) measured.handledAt.set(id, at);
    });
    void exited.then(([code]: unknown[]) => reject(new Error(`the consumer process exited (${String(code)}) before it was ready`)));
  });
  await ready;
  return {
    async stop() {
      if (child.exitCode !== null || !child.connected) return;
      child.send({ kind: "stop" });
      await exited;
    },
  };
}

/** The latest of the times recorded for these ids (NaN when one is missing). */
function lastOf(times: Map<string, number>, ids: Iterable<string>): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const id of ids) last = Math.max(last, times.get(id) ?? Number.NaN);
  return last;
}

async function waitUntilHandled(measured: Measured, ids: Iterable<string>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(ids);
  while (Date.now() < deadline) {
    for (const id of pending) if (measured.handledAt.has(id)) pending.delete(id);
    if (pending.size === 0) return true;
    // Coarse on purpose: this runs in the CDC's process; the figures use the recorded times, not this poll's.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function benchAdapter(adapter: "postgres" | "kafka"): Promise<void> {
  const database = await createTestDatabase(config.DATABASE_URL ? "postgres" : "pglite");
  const slot = `tunec_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const backbone = createEventLog({ DATABASE_URL: database.url, KAFKA_BROKERS: adapter === "kafka" ? config.KAFKA_BROKERS : undefined }, database.db, logger);
  const measured: Measured = { handledAt: new Map(), loggedAt: new Map(), writtenAt: new Map() };
  const cdcLog = notingPublished(backbone.log, measured);
  // The producers' own pool, as request handlers would have.
  const producers = createPostgresDatabase(database.url, { maxConnections: writers });
  const runCdc = () =>
    startCdc({
      db: database.db,
      connectionString: database.url,
      mode: "auto",
      slot,
      log: cdcLog,
      logger,
      outboxRetentionMinutes: 60,
      sink: backbone.sameDatabase
        ? {
            kind: "same-transaction",
            wake: backbone.sameDatabase.wake,
            // Trigger mode's relay appends inside its transaction, which commits right after.
            append: async (trx, records) => {
              await backbone.sameDatabase?.append(trx, records);
              notePublished(records, measured);
            },
          }
        : { kind: "external", log: cdcLog },
    });
  let cdc = await runCdc();
  const group = `bench-${slot}`;
  const consumer =
    consumerLayout === "process"
      ? await forkConsumer({ url: database.url, brokers: adapter === "kafka" ? config.KAFKA_BROKERS : undefined, group }, measured)
      : await startConsumer(
          benchConsumerOptions({ log: backbone.log, db: database.db, group, logger }, (ids) => {
            const now = performance.now();
            for (const id of ids) measured.handledAt.set(id, now);
          }),
        );
  // Also on Ctrl-C or a `timeout`: a replication slot left behind retains WAL without end
  // (15 GB from one killed run), and /healthz then reports the database degraded.
  const cleanup = cleanupOnInterrupt(async () => {
    await consumer.stop();
    await cdc.stop();
    await backbone.log.close();
    await producers.destroy();
    if (cdc.mode === "wal") await sql`select pg_drop_replication_slot(${slot})`.execute(database.db).catch(() => undefined);
    await database.drop();
  });
  try {
    const label = `${adapter.padEnd(8)} (cdc: ${cdc.mode}, database: ${database.kind}, consumer: ${consumerLayout})`;
    // Warm-up: the pipeline is live end to end before the clock starts.
    await writeEvents(producers, 10, measured);
    if (!(await waitUntilHandled(measured, measured.writtenAt.keys(), 60_000))) throw new Error("warm-up events never arrived");
    measured.writtenAt.clear();

    if (phases.has("throughput")) {
      const started = performance.now();
      // Producers are many concurrent requests: several writers, each committing batches.
      let remaining = totalEvents;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (remaining > 0) {
            const count = Math.min(batchSize, remaining);
            remaining -= count;
            await writeEvents(producers, count, measured);
          }
        }),
      );
      const writeElapsed = (performance.now() - started) / 1000;
      const allArrived = await waitUntilHandled(measured, measured.writtenAt.keys(), 300_000);
      const elapsed = (lastOf(measured.handledAt, measured.writtenAt.keys()) - started) / 1000;
      const lastLogged = lastOf(measured.loggedAt, measured.writtenAt.keys());
      const logElapsed = (lastLogged - started) / 1000;
      console.log(
        `${label}  throughput: ${Math.round(totalEvents / elapsed)} events/s end to end (${totalEvents} events in ${elapsed.toFixed(1)} s${allArrived ? "" : ", SOME MISSING"}); ` +
          `producers wrote ${Math.round(totalEvents / writeElapsed)} events/s; outbox → CDC → log alone: ${Math.round(totalEvents / logElapsed)} events/s`,
      );
    }

    if (phases.has("capacity")) {
      // Capacity: with CDC stopped, producers fill the outbox; then the clock runs
      // from CDC's restart until the consumer handled the whole backlog.
      measured.writtenAt.clear();
      await cdc.stop();
      for (let written = 0; written < totalEvents; written += batchSize * writers) {
        await Promise.all(
          Array.from({ length: writers }, (_, w) => {
            const count = Math.max(0, Math.min(batchSize, totalEvents - written - w * batchSize));
            return count > 0 ? writeEvents(producers, count, measured) : Promise.resolve();
          }),
        );
      }
      const drainStarted = performance.now();
      cdc = await runCdc();
      const drained = await waitUntilHandled(measured, measured.writtenAt.keys(), 300_000);
      const drainElapsed = (lastOf(measured.handledAt, measured.writtenAt.keys()) - drainStarted) / 1000;
      const drainLogged = lastOf(measured.loggedAt, measured.writtenAt.keys());
      console.log(
        `${label}  capacity: a backlog of ${totalEvents} outbox events drained end to end at ${Math.round(totalEvents / drainElapsed)} events/s` +
          `${drained ? "" : " (SOME MISSING)"}; into the log at ${Math.round(totalEvents / ((drainLogged - drainStarted) / 1000))} events/s`,
      );
    }

    if (phases.has("lag")) {
      measured.writtenAt.clear();
      measured.loggedAt.clear();
      const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
      const ticks = Math.round((seconds * 1000) / tickMs);
      const t0 = performance.now();
      const inFlight = new Set<Promise<void>>();
      let due = 0;
      for (let tick = 0; tick < ticks; tick++) {
        // Fire on schedule without waiting for earlier commits (an open-loop load),
        // but never more writes at once than the producers' pool has connections:
        // beyond that they would queue in the pool and time out (connectionTimeoutMillis).
        // A tick that finds every writer busy adds its events to the next write.
        due += perTick;
        if (inFlight.size < writers) {
          const write: Promise<void> = writeEvents(producers, due, measured).finally(() => inFlight.delete(write));
          inFlight.add(write);
          due = 0;
        }
        const next = t0 + (tick + 1) * tickMs;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      await Promise.all(inFlight);
      if (due > 0) await writeEvents(producers, due, measured);
      const achieved = measured.writtenAt.size / ((performance.now() - t0) / 1000);
      await waitUntilHandled(measured, measured.writtenAt.keys(), 60_000);
      // Where the lag is: outbox → CDC → log, and the whole path to the consumer's effect.
      const logLags = [...measured.writtenAt].map(([id, at]) => (measured.loggedAt.get(id) ?? Number.POSITIVE_INFINITY) - at).sort((a, b) => a - b);
      const lags = [...measured.writtenAt].map(([id, at]) => (measured.handledAt.get(id) ?? Number.POSITIVE_INFINITY) - at).sort((a, b) => a - b);
      console.log(
        `${label}  lag at ${Math.round(achieved)} events/s for ${seconds} s: p50 ${percentile(lags, 50).toFixed(1)} ms, p99 ${percentile(lags, 99).toFixed(1)} ms, max ${lags.at(-1)?.toFixed(1)} ms; ` +
          `into the log p50 ${percentile(logLags, 50).toFixed(1)} ms, p99 ${percentile(logLags, 99).toFixed(1)} ms`,
      );
    }
  } finally {
    await cleanup();
  }
}

// Other processes load the machine: the figures mean something only next to the load they ran under.
const printLoad = () =>
  console.log(
    `loadavg ${loadavg()
      .map((value) => value.toFixed(2))
      .join(" ")}`,
  );
printLoad();
for (const adapter of values.adapters.split(",").map((name) => name.trim())) {
  if (adapter !== "postgres" && adapter !== "kafka") throw new Error(`unknown adapter ${adapter}`);
  if (adapter === "kafka" && !config.KAFKA_BROKERS) {
    console.log("kafka     skipped: set KAFKA_BROKERS (npm run kafka:start prints it)");
    continue;
  }
  await benchAdapter(adapter);
}
printLoad();
