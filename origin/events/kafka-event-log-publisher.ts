import { Buffer } from "node:buffer";
import type { Producer } from "@platformatic/kafka";
import type { LogRecordInput } from "./event-log.ts";
import { partitionFor } from "./partitioner.ts";

type StringProducer = Producer<string, string, string, string>;

interface Pending {
  records: LogRecordInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Upper bound of records in one produce request. */
const maxRecordsPerSend = 5_000;
/**
 * Upper bound of one partition's record bytes (keys, values, headers) in one
 * produce request. The broker refuses a record batch over message.max.bytes
 * (1 MiB by default) as MESSAGE_TOO_LARGE; a record count alone did not keep
 * under it (5,000 events to one partition are about 2 MB), and the CDC then
 * failed and replayed from its slot.
 */
export const maxPartitionBytesPerSend = 768 * 1024;
/** What a record costs in a batch beyond its bytes (lengths, deltas, attributes): a generous bound. */
const recordOverheadBytes = 32;

interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  partition: number;
}

function recordBytes(message: OutgoingMessage): number {
  let bytes = Buffer.byteLength(message.key) + Buffer.byteLength(message.value) + recordOverheadBytes;
  for (const [name, value] of Object.entries(message.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 2;
  return bytes;
}

/**
 * Splits messages, in order, into produce requests of at most
 * maxRecordsPerSend records and maxPartitionBytes per partition. A record
 * larger than the limit on its own goes alone (the broker decides).
 */
export function produceRequests<T extends OutgoingMessage>(messages: readonly T[], maxPartitionBytes = maxPartitionBytesPerSend): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytesByPartition = new Map<string, number>();
  for (const message of messages) {
    const partition = `${message.topic}\u0000${message.partition}`;
    const bytes = recordBytes(message);
    const used = bytesByPartition.get(partition) ?? 0;
    if (current.length > 0 && (current.length >= maxRecordsPerSend || used + bytes > maxPartitionBytes)) {
      requests.push(current);
      current = [];
      bytesByPartition = new Map();
    }
    current.push(message);
    bytesByPartition.set(partition, (bytesByPartition.get(partition) ?? 0) + bytes);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Publishes through one idempotent, acks=all producer. Calls made while a
 * send is in flight are coalesced into the next send (group commit): no
 * linger delay when idle, large batches under load. Sends are serial, so the
 * records of one key keep the order in which `publish` was called.
 */
export function createKafkaPublisher(producer: StringProducer) {
  let queue: Pending[] = [];
  let draining: Promise<void> | null = null;

  async function partitionCounts(topics: string[]): Promise<Map<string, number>> {
    const metadata = await producer.metadata({ topics });
    const counts = new Map<string, number>();
    for (const topic of topics) {
      const found = metadata.topics.get(topic);
      if (!found) throw new Error(`Kafka topic ${topic} does not exist (call ensureTopics first)`);
      counts.set(topic, found.partitionsCount);
    }
    return counts;
  }

  async function send(batch: Pending[]): Promise<void> {
    const records = batch.flatMap((pending) => pending.records);
    const counts = await partitionCounts([...new Set(records.map((record) => record.topic))]);
    const messages = records.map(
      (record): OutgoingMessage => ({
        topic: record.topic,
        key: record.key,
        value: record.value,
        headers: record.headers ?? {},
        // Chosen here, not by the client, so Kafka and the PostgreSQL log agree.
        partition: partitionFor(record.key, counts.get(record.topic) ?? 1),
      }),
    );
    // One after another: the records of a key keep their order across requests.
    for (const request of produceRequests(messages)) await producer.send({ messages: request });
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch: Pending[] = [];
      let size = 0;
      while (queue.length > 0 && (batch.length === 0 || size + (queue[0]?.records.length ?? 0) <= maxRecordsPerSend)) {
        const next = queue.shift();
        if (!next) break;
        batch.push(next);
        size += next.records.length;
      }
      try {
        await send(batch);
        for (const pending of batch) pending.resolve();
      } catch (error) {
        // One bad call (say, an unknown topic) must not fail the calls it was coalesced with.
        if (batch.length > 1) {
          for (const pending of batch) await send([pending]).then(pending.resolve, pending.reject);
        } else {
          for (const pending of batch) pending.reject(error);
        }
      }
    }
  }

  function kick(): void {
    if (draining) return;
    draining = drain().finally(() => {
      draining = null;
      // A call may have queued between the loop's last check and now.
      if (queue.length > 0) kick();
    });
  }

  return {
    publish(records: LogRecordInput[]): Promise<void> {
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ records, resolve, reject });
        kick();
      });
    },
    /** Waits for every accepted publish to settle. */
    async flush(): Promise<void> {
      while (draining) await draining;
    },
    discard(reason: Error): void {
      const dropped = queue;
      queue = [];
      for (const pending of dropped) pending.reject(reason);
    },
  };
}
