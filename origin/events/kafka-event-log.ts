import { Admin, ListOffsetTimestamps, ProduceAcks, Producer, stringSerializers } from "@platformatic/kafka";
import { createLogger } from "../../shared/logger.ts";
import type { Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, Consumer, EventLog, LogRecordInput, PartitionLag, TopicSpec } from "./event-log.ts";
import { KafkaGroupConsumer } from "./kafka-event-log-consumer.ts";
import { createKafkaPublisher } from "./kafka-event-log-publisher.ts";

export interface KafkaEventLogOptions {
  /** host:port list, e.g. from KAFKA_BROKERS="127.0.0.1:19092". */
  brokers: string[];
  clientId?: string;
  logger?: Logger;
  /** How long a silent member keeps its partitions; the broker allows 6 s to 300 s. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  redeliveryDelayMs?: number;
  /** After a rebalance, wait this long before handling (a former owner may be finishing a batch). */
  handoverGraceMs?: number;
  /** Replicas of new topics; -1 takes the broker's default.replication.factor. */
  replicationFactor?: number;
  /**
   * Record batch compression; default none. The client compresses in
   * WebAssembly on the publishing process's one thread, which in the CDC
   * competes with WAL decoding (lz4 showed in its CPU profile,
   * docs/benchmarks-origin.md item 3); brokers on the same network gain
   * little from it. Set "lz4" where they are across a slow or metered link.
   */
  compression?: "none" | "lz4";
}

/**
 * The Apache Kafka adapter of the EventLog port, over @platformatic/kafka
 * (pure JavaScript, maintained, typed; no native librdkafka build).
 *
 * @example const log = createKafkaEventLog({ brokers: process.env.KAFKA_BROKERS.split(",") })
 */
export function createKafkaEventLog(options: KafkaEventLogOptions): EventLog {
  const clientId = options.clientId ?? "tunec";
  const logger = options.logger ?? createLogger({ component: "kafka-event-log" });
  const base = { clientId, bootstrapBrokers: options.brokers };
  const producer = new Producer({
    ...base,
    clientId: `${clientId}-producer`,
    serializers: stringSerializers,
    // Idempotence makes broker-side retries exactly-once per partition and
    // keeps order; acks=all makes `publish` resolve only once durably stored.
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: options.compression ?? "none",
  });
  const admin = new Admin({ ...base, clientId: `${clientId}-admin` });
  const publisher = createKafkaPublisher(producer);
  const consumers = new Set<KafkaGroupConsumer>();

  async function partitionsOf(topics: string[]): Promise<Map<string, number>> {
    const metadata = await admin.metadata({ topics, forceUpdate: true });
    return new Map(topics.map((topic) => [topic, metadata.topics.get(topic)?.partitionsCount ?? 0]));
  }

  async function waitForLeaders(topics: string[]): Promise<void> {
    // Creation returns before every partition has a leader; producing then would fail.
    for (let attempt = 0; attempt < 100; attempt++) {
      const metadata = await admin.metadata({ topics, forceUpdate: true }).catch(() => null);
      const ready = topics.every((topic) => {
        const found = metadata?.topics.get(topic);
        return found !== undefined && found.partitions.length > 0 && found.partitions.every((partition) => partition.leader >= 0);
      });
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Kafka topics ${topics.join(", ")} have no leader after 10 s`);
  }

  return {
    async ensureTopics(topics: TopicSpec[]): Promise<void> {
      if (topics.length === 0) return;
      const existing = await admin.listTopics();
      const missing = topics.filter((topic) => !existing.includes(topic.name));
      for (const topic of missing) {
        try {
          await admin.createTopics({
            topics: [topic.name],
            partitions: topic.partitions,
            replicas: options.replicationFactor ?? -1,
          });
        } catch (error) {
          // Another process may have created it between the listing and now.
          if (!isTopicExists(error)) throw error;
        }
      }
      await waitForLeaders(topics.map((topic) => topic.name));
    },

    publish(records: LogRecordInput[]): Promise<void> {
      return publisher.publish(records);
    },

    async consume(consumeOptions: ConsumeOptions): Promise<Consumer> {
      const settings = {
        brokers: options.brokers,
        clientId,
        logger,
        sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000,
        redeliveryDelayMs: options.redeliveryDelayMs ?? 500,
        handoverGraceMs: options.handoverGraceMs ?? 500,
      };
      if (consumeOptions.from === "latest") await pinLatest(consumeOptions.group, consumeOptions.topics);
      const consumer = new KafkaGroupConsumer(consumeOptions, settings);
      consumers.add(consumer);
      try {
        await consumer.start();
      } catch (error) {
        consumers.delete(consumer);
        await consumer.stop().catch(() => undefined);
        throw error;
      }
      return {
        stop: async () => {
          consumers.delete(consumer);
          await consumer.stop();
        },
      };
    },

    async lag(group: string, topics: string[]): Promise<PartitionLag[]> {
      const counts = await partitionsOf(topics);
      const requested = topics.map((name) => ({ name, partitionIndexes: range(counts.get(name) ?? 0) }));
      const [groups, ends, starts] = await Promise.all([
        admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: requested }] }),
        listOffsets(requested, ListOffsetTimestamps.LATEST),
        listOffsets(requested, ListOffsetTimestamps.EARLIEST),
      ]);
      const committed = new Map<string, bigint>();
      for (const topic of groups[0]?.topics ?? []) {
        for (const partition of topic.partitions) committed.set(`${topic.name}:${partition.partitionIndex}`, partition.committedOffset);
      }
      return requested.flatMap(({ name, partitionIndexes }) =>
        partitionIndexes.map((partition) => {
          const key = `${name}:${partition}`;
          const end = ends.get(key) ?? 0n;
          const own = committed.get(key) ?? -1n;
          // No commit yet: the group would start at the log start ("earliest").
          const position = own >= 0n ? own : (starts.get(key) ?? 0n);
          const lag = end > position ? Number(end - position) : 0;
          return { topic: name, partition, committed: position.toString(), end: end.toString(), lag };
        }),
      );
    },

    async close(): Promise<void> {
      await Promise.allSettled([...consumers].map((consumer) => consumer.stop()));
      consumers.clear();
      await publisher.flush();
      await Promise.allSettled([producer.close(), admin.close()]);
    },
  };

  async function listOffsets(topics: Array<{ name: string; partitionIndexes: number[] }>, timestamp: bigint): Promise<Map<string, bigint>> {
    const listed = await admin.listOffsets({
      topics: topics.map(({ name, partitionIndexes }) => ({
        name,
        partitions: partitionIndexes.map((partitionIndex) => ({ partitionIndex, timestamp })),
      })),
    });
    const out = new Map<string, bigint>();
    for (const topic of listed) for (const partition of topic.partitions) out.set(`${topic.name}:${partition.partitionIndex}`, partition.offset);
    return out;
  }

  /**
   * A group without commits that starts at "latest" gets its end offsets
   * committed now: otherwise a redelivery before its first commit would
   * re-resolve "latest" and skip what arrived in between.
   */
  async function pinLatest(group: string, topics: string[]): Promise<void> {
    const counts = await partitionsOf(topics);
    const requested = topics.map((name) => ({ name, partitionIndexes: range(counts.get(name) ?? 0) }));
    const groups = await admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: requested }] });
    const hasCommits = (groups[0]?.topics ?? []).some((topic) => topic.partitions.some((partition) => partition.committedOffset >= 0n));
    if (hasCommits) return;
    const ends = await listOffsets(requested, ListOffsetTimestamps.LATEST);
    await admin
      .alterConsumerGroupOffsets({
        groupId: group,
        topics: requested.map(({ name, partitionIndexes }) => ({
          name,
          partitionOffsets: partitionIndexes.map((partition) => ({ partition, offset: ends.get(`${name}:${partition}`) ?? 0n })),
        })),
      })
      // A group with live members already has its positions; nothing to pin.
      .catch((error: unknown) => logger.debug("not pinning latest offsets", { group, error }));
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

function isTopicExists(error: unknown): boolean {
  return /TOPIC_ALREADY_EXISTS|already exists/i.test(String(error instanceof Error ? `${error.message} ${JSON.stringify(error)}` : error));
}
