/**
 * The `EventLog` port: a partitioned, durable, replayable log with consumer
 * groups — Apache Kafka in production, a PostgreSQL-backed log as the embedded
 * default. Both adapters pass the one contract suite in event-log.contract.ts.
 *
 * Semantics every adapter guarantees:
 * - A record's partition is chosen from its key by `partitionFor` (murmur2,
 *   as Kafka's default partitioner), so one key always lands in one partition
 *   and records of one key are delivered in the order they were published.
 * - `publish` resolves only once every record is durably stored.
 * - Delivery is at least once: a group's offset advances only after the
 *   handler for those records resolved; after a crash or restart the group
 *   resumes from its last committed offset and may see records again.
 * - Within a group, each partition is consumed by one member at a time, and
 *   `handle` is called with records of one partition in offset order.
 */
export interface LogRecordInput {
  topic: string;
  key: string;
  /** Serialized CloudEvent JSON. */
  value: string;
  headers?: Record<string, string>;
}

export interface LogRecord {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are int64. */
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: Date;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /**
   * Next offset the group will read (its committed position); the partition's
   * first offset ("0" on a topic that never dropped records) when the group
   * has committed nothing there yet.
   */
  committed: string;
  /** Offset after the last record in the partition. */
  end: string;
  lag: number;
}

export interface ConsumeOptions {
  group: string;
  topics: string[];
  /**
   * Handles a batch of records of ONE partition, in offset order. When it
   * resolves, the group's offset for that partition moves past the batch; when
   * it rejects, nothing is committed and the batch is delivered again after a
   * pause. (Retries, backoff and dead-lettering live in the consumer framework
   * above this port; a rejection here is a last resort.)
   */
  handle: (records: LogRecord[]) => Promise<void>;
  /** Where a group with no committed offset starts; default "earliest". */
  from?: "earliest" | "latest";
  maxBatchSize?: number;
}

export interface Consumer {
  /** Stops fetching, lets the in-flight batch finish and commit, leaves the group. Idempotent. */
  stop(): Promise<void>;
}

export interface EventLog {
  /** Creates topics that do not exist yet; existing ones are left alone. */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  publish(records: LogRecordInput[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Consumer>;
  lag(group: string, topics: string[]): Promise<PartitionLag[]>;
  close(): Promise<void>;
}
