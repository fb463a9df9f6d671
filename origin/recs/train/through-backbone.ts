/**
 * `recs:eval --through-kafka` / `--through-log`: the held-out synthetic log
 * replayed through the real event backbone. Its plays become PlaybackStarted,
 * PlaybackFinished and TrackLiked events in events.outbox (replay-events.ts);
 * the CDC relay moves them to the log (Apache Kafka, or the PostgreSQL log);
 * the recs consumer (its handler map, the consumer framework, the inbox) turns
 * them into recs.interactions; trainAndStore trains from there. The figures
 * must equal the in-memory ones: the consumer takes event time from the payload.
 *
 * The replay uses topics of its own (`recs-replay-<run>.tunec.playback`, …)
 * and a group of its own: synthetic listeners must never reach a real recs
 * consumer reading tunec.playback on the same broker, and a second replay must
 * not read the first one's events. CDC runs in trigger mode (the outbox relay):
 * the same relay code WAL mode uses for its backlog, and no replication slot is
 * left on the server if a run is interrupted.
 */
import { Admin } from "@platformatic/kafka";
import type { Kysely } from "kysely";
import { progressBar } from "../../../scripts/progress.ts";
import type { Database } from "../../../shared/db/database.ts";
import { topics as topicCatalogue, deadLetterTopic, isTopicName } from "../../../shared/events/topics.ts";
import { createLogger } from "../../../shared/logger.ts";
import { startCdc } from "../../cdc/cdc.ts";
import { type RunningConsumer, startConsumer } from "../../events/consumer.ts";
import { createEventLog } from "../../events/event-log-factory.ts";
import type { RelaySink } from "../../cdc/trigger/relay.ts";
import { createPostgresDatabase } from "../../../shared/db/postgres.ts";
import { createTestDatabase } from "../../../shared/testing/test-database.ts";
import { recsBatchHandlers, recsTopics } from "../consumer/signals.ts";
import type { SyntheticWorld } from "../model/synthetic.ts";
import type { EvaluationRow } from "./measure.ts";
import { writeReplayOutbox } from "./replay-events.ts";
import { cleanupOnInterrupt } from "../../platform/interrupt.ts";
import { insertSyntheticCatalog } from "./synthetic-database.ts";
import { trainStoredAndMeasure, type ThroughDatabaseInput } from "./through-database.ts";

export type BackboneKind = "kafka" | "postgres";

export interface ReplayOptions {
  db: Kysely<Database>;
  /** The database's URL (the PostgreSQL log's wake-ups, the CDC's connection). */
  url: string;
  kind: BackboneKind;
  /** Required for "kafka". */
  kafkaBrokers?: string[];
  world: SyntheticWorld;
  keep: (p: number) => boolean;
  /** recs.interactions rows the replay must end with: the drain is complete when they are all there. */
  expectedRows: number;
  /**
   * Members of the replay's consumer group (default 3): each handles its own
   * partitions, as more recs processes would; a fetched run costs the
   * consumer two statements (inbox, interactions), so members overlap their waits.
   */
  members?: number;
  /** No new row for this long while rows are missing: fail (default 120 s). */
  stallTimeoutMs?: number;
  onProgress?: (stage: "outbox" | "consumed", done: number, total: number) => void;
}

export interface ReplayResult {
  events: number;
  rows: number;
  seconds: number;
}

const retry = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** Outbox → CDC → log → recs consumer → recs.interactions, until every expected row is there and the group has no lag. */
export async function replayThroughBackbone(options: ReplayOptions): Promise<ReplayResult> {
  const started = performance.now();
  const run = crypto.randomUUID().slice(0, 8);
  const prefix = `recs-replay-${run}.`;
  const replayTopics = recsTopics.map((topic) => `${prefix}${topic}`);
  const logger = createLogger({ component: "recs-replay", run }, "error");
  const kafka = options.kind === "kafka" ? options.kafkaBrokers : undefined;
  if (options.kind === "kafka" && !kafka?.length) throw new Error("replayThroughBackbone: kind kafka needs kafkaBrokers");
  const backbone = createEventLog({ KAFKA_BROKERS: kafka, DATABASE_URL: options.url }, options.db, logger);
  const sink: RelaySink = backbone.sameDatabase ? { kind: "same-transaction", ...backbone.sameDatabase } : { kind: "external", log: backbone.log };
  const specs = recsTopics.flatMap((topic) => [
    { name: `${prefix}${topic}`, partitions: isTopicName(topic) ? topicCatalogue[topic].partitions : 1 },
    { name: deadLetterTopic(`${prefix}${topic}`), partitions: 1 },
  ]);
  const group = `recs-replay-${run}`;
  const stops: Array<() => Promise<void>> = [() => backbone.log.close()];
  const cleanup = cleanupOnInterrupt(async () => {
    for (const stop of stops) await stop().catch(() => undefined);
    if (kafka)
      await deleteKafkaLeftovers(
        kafka,
        specs.map((s) => s.name),
        group,
      ).catch(() => undefined);
  });
  try {
    await backbone.log.ensureTopics(specs);
    const consumers = [];
    for (let m = 0; m < (options.members ?? 3); m++) {
      const consumer = await startConsumer({
        log: backbone.log,
        db: options.db,
        group,
        topics: replayTopics,
        handlers: {},
        batchHandlers: recsBatchHandlers,
        retry,
        logger,
        lagIntervalMs: 0,
        from: "earliest",
      });
      consumers.push(consumer);
      stops.unshift(() => consumer.stop());
    }
    const consumer = consumers[0];
    if (!consumer) throw new Error("replayThroughBackbone: members must be ≥ 1");
    const cdc = await startCdc({
      db: options.db,
      connectionString: options.url,
      mode: "trigger",
      slot: `tunec_recs_replay_${run}`,
      log: backbone.log,
      sink,
      logger,
      // Relayed rows are deleted at once: a full-size replay would otherwise keep gigabytes of outbox.
      outboxRetentionMinutes: 0,
      cleanupIntervalMs: 5_000,
    });
    stops.unshift(() => cdc.stop());
    const writing = writeReplayOutbox(options.db, options.world, options.keep, {
      topicOf: (topic) => `${prefix}${topic}`,
      onProgress: (d, t) => options.onProgress?.("outbox", d, t),
    });
    let failed: unknown;
    writing.catch((error: unknown) => {
      failed = error;
    });
    let rows = 0;
    let lastRows = -1;
    let lastChange = Date.now();
    for (;;) {
      if (failed) throw failed;
      // A poll that fails (on a saturated machine a new connection can take over the pool's 5 s) is
      // only a missed look: the consumers and the relay retry on their own; the stall timeout still bounds the wait.
      const drained = await pollDrained(options.db, consumer, options.expectedRows).catch(() => undefined);
      if (drained) {
        rows = drained.rows;
        options.onProgress?.("consumed", rows, options.expectedRows);
        if (rows !== lastRows) {
          lastRows = rows;
          lastChange = Date.now();
        }
        if (drained.done) break;
      }
      if (Date.now() - lastChange > (options.stallTimeoutMs ?? 120_000))
        throw new Error(`replay stalled at ${rows} of ${options.expectedRows} recs.interactions rows (run ${run})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const events = await writing;
    return { events, rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    await cleanup();
  }
}

async function pollDrained(db: Kysely<Database>, consumer: RunningConsumer, expectedRows: number): Promise<{ rows: number; done: boolean }> {
  const rows = await countInteractions(db);
  return { rows, done: rows >= expectedRows && (await consumer.lag()).total === 0 };
}

async function countInteractions(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom("recs.interactions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The replay's topics and group are its own: the shared broker should not keep millions of synthetic records. */
async function deleteKafkaLeftovers(brokers: string[], topics: string[], group: string): Promise<void> {
  const admin = new Admin({ clientId: "recs-replay-admin", bootstrapBrokers: brokers });
  try {
    await admin.deleteTopics({ topics });
    // The members have left (stopped above); the group's committed offsets are all that remains of it.
    await admin.deleteGroups({ groups: [group] }).catch(() => undefined);
  } finally {
    await admin.close();
  }
}

/** The served model's figures on the log replayed through `kind`, in a fresh database on the DATABASE_URL server. */
export async function evaluateThroughBackbone(
  input: ThroughDatabaseInput,
  kind: BackboneKind,
  kafkaBrokers = process.env.KAFKA_BROKERS?.split(",").map((b) => b.trim()),
): Promise<EvaluationRow> {
  const database = await createTestDatabase("postgres");
  // On an interrupt the replay's pool (while open) closes before the drop terminates its connections.
  let replayDb: Kysely<Database> | undefined;
  const drop = cleanupOnInterrupt(async () => {
    await replayDb?.destroy();
    await database.drop();
  });
  try {
    const { db } = database;
    await insertSyntheticCatalog(db, input.world);
    const outboxBar = progressBar(`outbox (${kind})`.padEnd(23));
    const consumedBar = progressBar("recs consumer          ");
    let outboxDone = false;
    // A pool of its own: three consumer members, the CDC relay, the log's fetches, the outbox
    // writer and the drain poll all hold connections at once (the test database's pool has 5).
    const pool = createPostgresDatabase(database.url, { maxConnections: 12 });
    replayDb = pool;
    const result = await replayThroughBackbone({
      db: pool,
      url: database.url,
      kind,
      ...(kafkaBrokers ? { kafkaBrokers } : {}),
      world: input.world,
      keep: input.keep,
      expectedRows: input.log.length,
      onProgress: (stage, d, t) => {
        if (stage === "outbox") {
          outboxBar.update(d, t);
          if (d === t && !outboxDone) {
            outboxDone = true;
            outboxBar.stop();
          }
        } else if (outboxDone) consumedBar.update(d, t);
      },
    }).finally(() => {
      replayDb = undefined;
      return pool.destroy();
    });
    outboxBar.stop();
    consumedBar.stop();
    input.print(
      `through ${kind === "kafka" ? "Kafka" : "the PostgreSQL log"}: ${result.events} events outbox → CDC → ${kind} → recs consumer → ${result.rows} recs.interactions rows in ${result.seconds.toFixed(1)} s`,
    );
    return await trainStoredAndMeasure(db, input, `served, outbox → CDC → ${kind === "kafka" ? "Kafka" : "PostgreSQL log"} → recs consumer`);
  } finally {
    await drop();
  }
}
