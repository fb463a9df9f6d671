/**
 * TEST-ONLY in-memory EventLog: fast unit tests of the consumer framework's
 * retry and dead-letter logic. It keeps the port's semantics that matter there
 * (per-partition order, batch commit on resolve, redelivery on reject, group
 * offsets surviving a restart) and nothing else: no durability, one member per
 * group. Integration tests use the real adapters.
 */
import type { Consumer, ConsumeOptions, EventLog, LogRecord, LogRecordInput, PartitionLag, TopicSpec } from "../event-log.ts";
import { partitionFor } from "../partitioner.ts";

const pollMs = 5;
const redeliveryPauseMs = 20;

export interface MemoryEventLog extends EventLog {
  /** Every record of a topic, all partitions, in publish order. */
  records(topic: string): LogRecord[];
}

export function createMemoryEventLog(): MemoryEventLog {
  const partitions = new Map<string, LogRecord[][]>();
  const offsets = new Map<string, number>(); // `${group}\u0000${topic}\u0000${partition}` → next offset
  const published: Map<string, LogRecord[]> = new Map();

  const topic = (name: string): LogRecord[][] => {
    const found = partitions.get(name);
    if (!found) throw new Error(`topic ${name} does not exist (call ensureTopics first)`);
    return found;
  };
  const offsetKey = (group: string, name: string, partition: number) => `${group}\u0000${name}\u0000${partition}`;

  return {
    async ensureTopics(specs: TopicSpec[]) {
      for (const spec of specs) {
        if (!partitions.has(spec.name))
          partitions.set(
            spec.name,
            Array.from({ length: spec.partitions }, () => []),
          );
      }
    },

    async publish(inputs: LogRecordInput[]) {
      for (const input of inputs) {
        const log = topic(input.topic);
        const partition = partitionFor(input.key, log.length);
        const records = log[partition] ?? [];
        const record: LogRecord = {
          topic: input.topic,
          partition,
          offset: String(records.length),
          key: input.key,
          value: input.value,
          headers: { ...input.headers },
          timestamp: new Date(),
        };
        records.push(record);
        published.set(input.topic, [...(published.get(input.topic) ?? []), record]);
      }
    },

    async consume(options: ConsumeOptions): Promise<Consumer> {
      let running = true;
      const loops = options.topics.flatMap((name) =>
        topic(name).map(async function consumePartition(records, partition) {
          const key = offsetKey(options.group, name, partition);
          if (!offsets.has(key)) offsets.set(key, options.from === "latest" ? records.length : 0);
          while (running) {
            const from = offsets.get(key) ?? 0;
            const batch = records.slice(from, from + (options.maxBatchSize ?? 100));
            if (batch.length === 0) {
              await sleep(pollMs);
              continue;
            }
            try {
              await options.handle(batch);
              offsets.set(key, from + batch.length);
            } catch {
              await sleep(redeliveryPauseMs);
            }
          }
        }),
      );
      return {
        async stop() {
          running = false;
          await Promise.all(loops);
        },
      };
    },

    async lag(group: string, names: string[]): Promise<PartitionLag[]> {
      return names.flatMap((name) =>
        topic(name).map((records, partition) => {
          const committed = offsets.get(offsetKey(group, name, partition)) ?? 0;
          return { topic: name, partition, committed: String(committed), end: String(records.length), lag: records.length - committed };
        }),
      );
    },

    async close() {},

    records: (name) => published.get(name) ?? [],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
