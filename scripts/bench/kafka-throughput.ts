/**
 * Throughput of the Kafka EventLog adapter on this machine (not a test):
 * publish rate (big batches, and many concurrent 1-record calls that the
 * adapter coalesces), then end-to-end consume rate through a consumer group
 * with manual commits.
 *
 *   npx tsx scripts/bench/kafka-throughput.ts [records=100000] [partitions=6]
 *
 * Uses KAFKA_BROKERS, or starts the dev broker through scripts/kafka/kafka.sh.
 */
import { Admin } from "@platformatic/kafka";
import type { LogRecordInput } from "../../origin/events/event-log.ts";
import { createKafkaEventLog } from "../../origin/events/kafka-event-log.ts";
import { acquireKafkaBroker } from "../../origin/events/testing/kafka-broker.ts";
import { createLogger } from "../../shared/logger.ts";

const total = Number(process.argv[2] ?? 100_000);
const partitions = Number(process.argv[3] ?? 6);

function event(index: number): LogRecordInput {
  const id = crypto.randomUUID();
  const key = `track-${index % 1_000}`;
  const value = JSON.stringify({
    specversion: "1.0",
    id,
    source: "/bench",
    type: "tunec.catalog.track.updated.v1",
    subject: key,
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    data: { trackId: key, title: `Track ${index}`, durationMs: 180_000 + index, genres: ["rock", "indie"] },
  });
  return { topic: "", key, value };
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString("en")} records/s (${count} in ${(ms / 1000).toFixed(2)} s)`;
}

const broker = await acquireKafkaBroker();
if (!broker) process.exit(0);
const log = createKafkaEventLog({ brokers: broker.brokers, logger: createLogger({ component: "bench" }, "warn") });
const admin = new Admin({ clientId: "bench-admin", bootstrapBrokers: broker.brokers });
const topic = `bench-${Date.now()}`;
try {
  await log.ensureTopics([{ name: topic, partitions }]);
  const records = Array.from({ length: total }, (_, index) => ({ ...event(index), topic }));
  const bytes = records.reduce((sum, record) => sum + record.value.length, 0);
  console.log(`${total} records of ~${Math.round(bytes / total)} B on ${partitions} partitions, broker ${broker.brokers.join(",")}`);

  const half = Math.floor(total / 2);
  let started = performance.now();
  for (let index = 0; index < half; index += 1_000) await log.publish(records.slice(index, index + 1_000));
  console.log(`publish, batches of 1000:           ${rate(half, performance.now() - started)}`);

  started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (const record of records.slice(half)) {
    const call = log.publish([record]).finally(() => inFlight.delete(call));
    inFlight.add(call);
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  console.log(`publish, 1-record calls x256 conc.: ${rate(total - half, performance.now() - started)}`);

  let seen = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  started = performance.now();
  const consumer = await log.consume({
    group: `${topic}-group`,
    topics: [topic],
    maxBatchSize: 1_000,
    handle: async (batch) => {
      seen += batch.length;
      if (seen >= total) done();
    },
  });
  await finished;
  const consumeMs = performance.now() - started;
  await consumer.stop();
  console.log(`consume (group join + fetch + commit): ${rate(seen, consumeMs)}`);

  // Both at once: time from the first publish to the last record handled.
  const liveTopic = `${topic}-live`;
  await log.ensureTopics([{ name: liveTopic, partitions }]);
  let live = 0;
  let liveDone: () => void = () => {};
  const liveFinished = new Promise<void>((resolve) => (liveDone = resolve));
  const liveConsumer = await log.consume({
    group: `${liveTopic}-group`,
    topics: [liveTopic],
    maxBatchSize: 1_000,
    handle: async (batch) => {
      live += batch.length;
      if (live >= total) liveDone();
    },
  });
  started = performance.now();
  for (let index = 0; index < total; index += 1_000) {
    await log.publish(records.slice(index, index + 1_000).map((record) => ({ ...record, topic: liveTopic })));
  }
  await liveFinished;
  console.log(`end to end, publish while consuming: ${rate(live, performance.now() - started)}`);
  await liveConsumer.stop();

  // Latency at a fixed 1,000 records/s (10 every 10 ms) for 5 s: publish call to handler.
  const paceTopic = `${topic}-paced`;
  await log.ensureTopics([{ name: paceTopic, partitions }]);
  const latencies: number[] = [];
  const paced = await log.consume({
    group: `${paceTopic}-group`,
    topics: [paceTopic],
    handle: async (batch) => {
      const now = Date.now();
      for (const record of batch) latencies.push(now - Number(record.headers.sent));
    },
  });
  const ticks = 500;
  started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const due = started + tick * 10;
    void log.publish(Array.from({ length: 10 }, (_, index) => ({ ...event(tick * 10 + index), topic: paceTopic, headers: { sent: String(Date.now()) } })));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due + 10 - performance.now())));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < ticks * 10 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await paced.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  console.log(`latency at 1,000 records/s:         p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (${latencies.length} records)`);
  await admin.deleteTopics({ topics: [topic, liveTopic, paceTopic] });
} finally {
  await log.close();
  await admin.close();
  await broker.release();
}
