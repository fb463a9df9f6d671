/**
 * The event backbone under faults: while 10,000 events flow (outbox → CDC →
 * log → consumer with inbox), the CDC process and the consumer process are
 * SIGKILLed at random moments and restarted. Afterwards every event has had
 * its effect exactly once and none is missing — on each EventLog adapter.
 */
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { deadLetterTopic } from "../../shared/events/topics.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { startProcess, type RunningProcess } from "../../test/processes.ts";
import { dropTestSlot, testSlotName } from "./testing/cdc-fixture.ts";
import { cdcMatrix, type TestBackbone } from "./testing/cdc-matrix.ts";
import { killHard, startOriginProcess, stopGracefully } from "./testing/cdc-process.ts";

const total = Number(process.env.FAULT_EVENTS ?? 10_000);
const perTransaction = 50;
const killsEach = 3;
const root = fileURLToPath(new URL("../../", import.meta.url));

// Real PostgreSQL (WAL mode) when there is one, else PGlite (trigger mode).
const onPostgres = databaseKinds().includes("postgres");
const matrix = await cdcMatrix({ triggerOnPostgres: false });
const cases = matrix.cases.filter((entry) => entry.database === (onPostgres ? "postgres" : "pglite"));

afterAll(async () => {
  await matrix.release();
});

describe.each(cases)("fault test: $mode mode on $database, $logKind log", ({ database: kind, mode, logKind }) => {
  let database: TestDatabase;
  let backbone: TestBackbone;
  let slot: string;
  let topic: string;
  const processes: { cdc: RunningProcess | null; consumer: RunningProcess | null } = { cdc: null, consumer: null };

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    backbone = await matrix.backbone(logKind, database);
    slot = testSlotName();
    // A topic of its own: a shared broker may hold other runs' events.
    topic = `fault-${crypto.randomUUID().slice(0, 8)}`;
    await backbone.log.ensureTopics([
      { name: topic, partitions: 6 },
      { name: deadLetterTopic(topic), partitions: 1 },
    ]);
    await sql`create table public.fault_effects (event_id text not null, play_id uuid not null, handled_at timestamptz not null default now())`.execute(
      database.db,
    );
  });
  afterEach(async () => {
    await Promise.all([processes.cdc, processes.consumer].map((running) => (running ? stopGracefully(running) : undefined)));
    await backbone.close();
    if (mode === "wal") await dropTestSlot(database.db, slot);
    await database.drop();
  });

  it(`every one of ${total} events has its effect exactly once despite SIGKILLs`, async () => {
    const group = `fault-${crypto.randomUUID().slice(0, 8)}`;
    const env = { DATABASE_URL: database.url, CDC_SLOT: slot, CDC_MODE: mode, KAFKA_BROKERS: backbone.kafkaBrokers };
    const startCdc = () => startOriginProcess(["cdc"], env);
    const startConsumer = () =>
      startProcess(
        process.execPath,
        ["--import", "tsx", "origin/cdc/testing/fault-consumer.ts"],
        {
          ...process.env,
          ...env,
          FAULT_GROUP: group,
          FAULT_TOPIC: topic,
          LOG_LEVEL: "warn",
        },
        root,
      );
    const started = Date.now();
    processes.cdc = startCdc();
    processes.consumer = startConsumer();
    await waitForCapture(database, mode, slot);

    const kills: string[] = [];
    const recordsOnLog = async () => (await backbone.log.lag(group, [topic])).reduce((sum, partition) => sum + Number(partition.end), 0);
    const progressOf = { cdc: recordsOnLog, consumer: async () => (await effectCounts(database)).distinct };
    // Each kill lands mid-stream: once the (re)started process has visibly
    // moved events since its start, at a random moment shortly after.
    const chaos = (name: "cdc" | "consumer", restart: () => RunningProcess) =>
      (async () => {
        for (let kill = 0; kill < killsEach; kill++) {
          const before = await progressOf[name]();
          const deadline = Date.now() + 60_000;
          for (let now = before; now <= before && now < total && Date.now() < deadline; now = await progressOf[name]()) await sleep(100);
          await sleep(Math.random() * 1_000);
          const running = processes[name];
          if (running) await killHard(running);
          kills.push(`${name} at ${((Date.now() - started) / 1000).toFixed(1)} s (${await progressOf[name]()} ${name === "cdc" ? "records" : "effects"})`);
          await sleep(Math.random() * 500);
          processes[name] = restart();
        }
      })();
    const killers = [chaos("cdc", startCdc), chaos("consumer", startConsumer)];

    const ids: string[] = [];
    for (let offset = 0; offset < total; offset += perTransaction) {
      const rows = Array.from({ length: Math.min(perTransaction, total - offset) }, () => {
        const { event, key } = buildEvent({
          type: "tunec.playback.playback-started.v1",
          source: "/tunec/playback",
          data: {
            playId: crypto.randomUUID(),
            userId: crypto.randomUUID(),
            trackId: crypto.randomUUID(),
            quality: "standard",
            deviceId: "fault-test",
            premium: false,
            startPositionMs: 0,
            startedAt: new Date().toISOString(),
          },
        });
        ids.push(event.id);
        return { id: event.id, topic, key, type: event.type, event: JSON.stringify(event) };
      });
      await database.db.insertInto("events.outbox").values(rows).execute();
      // Spread over ~20 s so that every kill lands while events flow.
      await sleep(100);
    }
    await Promise.all(killers);

    const deadline = Date.now() + 120_000;
    let counts = await effectCounts(database);
    while (counts.distinct < total && Date.now() < deadline) {
      await sleep(500);
      counts = await effectCounts(database);
    }
    const seconds = (Date.now() - started) / 1000;
    const published = await recordsOnLog();
    console.log(
      `${mode}/${kind}/${logKind}: ${total} events in ${seconds.toFixed(1)} s; ${published} records on the log (${published - total} replayed by CDC); ` +
        `effects ${counts.rows} rows, ${counts.distinct} distinct; SIGKILLs: ${kills.join("; ")}`,
    );

    expect(counts).toEqual({ rows: total, distinct: total });
    const handled = await sql<{ event_id: string }>`select event_id from public.fault_effects`.execute(database.db);
    expect(new Set(handled.rows.map((row) => row.event_id))).toEqual(new Set(ids));
    // The embedded log appends and marks relayed in one transaction: not even CDC repeats there.
    if (mode === "trigger" && logKind === "postgres") expect(published).toBe(total);
    const parked = await backbone.log.lag("fault-dlq-probe", [deadLetterTopic(topic)]);
    expect(parked.map((partition) => partition.end)).toEqual(["0"]);
  }, 170_000);
});

async function effectCounts(database: TestDatabase): Promise<{ rows: number; distinct: number }> {
  const result = await sql<{ rows: string; distinct: string }>`
    select count(*) as rows, count(distinct event_id) as distinct from public.fault_effects`.execute(database.db);
  return { rows: Number(result.rows[0]?.rows ?? 0), distinct: Number(result.rows[0]?.distinct ?? 0) };
}

async function waitForCapture(database: TestDatabase, mode: string, slot: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const query =
    mode === "wal"
      ? sql<{ ready: boolean }>`select exists (select 1 from pg_replication_slots where slot_name = ${slot} and confirmed_flush_lsn is not null) as ready`
      : sql<{ ready: boolean }>`select exists (select 1 from pg_trigger where tgname = 'tunec_cdc_capture') as ready`;
  while (!(await query.execute(database.db)).rows[0]?.ready) {
    if (Date.now() > deadline) throw new Error("the CDC did not start capturing within 60 s");
    await sleep(200);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
