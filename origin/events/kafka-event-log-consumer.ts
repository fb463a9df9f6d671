import { Consumer as KafkaClient, stringDeserializers } from "@platformatic/kafka";
import type { Message, MessagesStream } from "@platformatic/kafka";
import type { Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, Consumer, LogRecord } from "./event-log.ts";

type StringMessage = Message<string, string, string, string>;
type StringStream = MessagesStream<string, string, string, string>;

export interface KafkaConsumerSettings {
  brokers: string[];
  clientId: string;
  logger: Logger;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Pause before a rejected batch is delivered again. */
  redeliveryDelayMs: number;
}

interface Queued {
  record: LogRecord;
  leaderEpoch: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  queue: Queued[];
  running: Promise<void> | null;
}

/**
 * A group member over @platformatic/kafka's message stream, with manual
 * commits. Records are queued per partition; each partition runs one batch
 * at a time and commits after `handle` resolved, partitions run side by side.
 *
 * The stream has no seek, so every "go back to the committed offsets" — a
 * rejected batch, a rebalance (new generation) or a stream error — is one
 * restart: drop the queues, let running batches finish and commit, open a new
 * stream in `committed` mode. The new stream is opened before the old one is
 * closed, so the topics stay subscribed and the group does not rebalance.
 */
export class KafkaGroupConsumer implements Consumer {
  readonly #client: KafkaClient<string, string, string, string>;
  readonly #options: ConsumeOptions;
  readonly #settings: KafkaConsumerSettings;
  readonly #log: Logger;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #ready = new Set<PartitionState>();
  readonly #maxBatch: number;
  readonly #highWater: number;
  #stream: StringStream | null = null;
  #streamGeneration = -1;
  #buffered = 0;
  #restart: Promise<void> | null = null;
  #pendingDelay = 0;
  #wake: (() => void) | null = null;
  #stopping: Promise<void> | null = null;

  constructor(options: ConsumeOptions, settings: KafkaConsumerSettings) {
    this.#options = options;
    this.#settings = settings;
    this.#log = settings.logger.child({ group: options.group });
    this.#maxBatch = Math.max(1, options.maxBatchSize ?? 500);
    this.#highWater = Math.max(4 * this.#maxBatch, 2_000);
    this.#client = new KafkaClient({
      clientId: `${settings.clientId}-${options.group}`,
      bootstrapBrokers: settings.brokers,
      groupId: options.group,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: settings.sessionTimeoutMs,
      rebalanceTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      // Long-poll bound only: the broker answers as soon as one record is there.
      maxWaitTime: 500,
    });
  }

  /** Joins the group and starts fetching; resolves once this member has its assignment. */
  async start(): Promise<void> {
    await this.#openStream();
    this.#client.on("consumer:group:join", ({ generationId }) => {
      // A restart in progress re-checks the generation when it opens its stream.
      if (generationId !== this.#streamGeneration && !this.#restart) this.#requestRestart(0);
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#wake?.();
    this.#stream?.pause();
    this.#clearQueues();
    await this.#restart;
    await this.#settled();
    await this.#stream?.close().catch((error: unknown) => this.#log.warn("closing the Kafka stream failed", { error }));
    this.#stream = null;
    await this.#client.close();
  }

  async #openStream(): Promise<void> {
    const stream = await this.#client.consume({
      topics: this.#options.topics,
      mode: "committed",
      fallbackMode: this.#options.from ?? "earliest",
      autocommit: false,
    });
    this.#streamGeneration = this.#client.generationId;
    stream.on("data", (message: StringMessage) => this.#onMessage(stream, message));
    stream.on("error", (error: Error) => {
      if (stream !== this.#stream || this.#stopping) return;
      this.#log.warn("Kafka stream failed; reopening from the committed offsets", { error });
      this.#requestRestart(this.#settings.redeliveryDelayMs);
    });
    this.#stream = stream;
  }

  #onMessage(stream: StringStream, message: StringMessage): void {
    if (stream !== this.#stream || this.#restart || this.#stopping) return;
    const key = `${message.topic}:${message.partition}`;
    let state = this.#partitions.get(key);
    if (!state) {
      state = { topic: message.topic, partition: message.partition, queue: [], running: null };
      this.#partitions.set(key, state);
    }
    state.queue.push({ record: toLogRecord(message), leaderEpoch: message.leaderEpoch });
    if (++this.#buffered >= this.#highWater) stream.pause();
    // A fetch response is pushed record by record in one synchronous loop:
    // dispatch after it, so a batch holds the whole response, not one record.
    this.#ready.add(state);
    if (this.#ready.size === 1) queueMicrotask(() => this.#dispatchReady());
  }

  #dispatchReady(): void {
    const ready = [...this.#ready];
    this.#ready.clear();
    for (const state of ready) this.#dispatch(state);
  }

  #dispatch(state: PartitionState): void {
    if (state.running || state.queue.length === 0 || this.#restart || this.#stopping) return;
    const batch = state.queue.splice(0, this.#maxBatch);
    this.#buffered -= batch.length;
    if (this.#stream?.isPaused() && this.#buffered < this.#highWater / 2) this.#stream.resume();
    state.running = this.#run(state, batch).finally(() => {
      state.running = null;
      this.#dispatch(state);
    });
  }

  async #run(state: PartitionState, batch: Queued[]): Promise<void> {
    const last = batch[batch.length - 1];
    if (!last) return;
    try {
      await this.#options.handle(batch.map((queued) => queued.record));
    } catch (error) {
      this.#log.warn("handler rejected a batch; it will be delivered again", {
        topic: state.topic,
        partition: state.partition,
        offset: batch[0]?.record.offset,
        error,
      });
      this.#requestRestart(this.#settings.redeliveryDelayMs);
      return;
    }
    const next = BigInt(last.record.offset) + 1n;
    try {
      await this.#client.commit({
        offsets: [{ topic: state.topic, partition: state.partition, offset: next, leaderEpoch: last.leaderEpoch }],
      });
    } catch (error) {
      // At least once: the batch was handled; a failed commit only means it may come again.
      this.#log.warn("offset commit failed; records may be delivered again", { topic: state.topic, partition: state.partition, error });
    }
  }

  #requestRestart(delayMs: number): void {
    if (this.#stopping) return;
    this.#pendingDelay = Math.max(this.#pendingDelay, delayMs);
    this.#restart ??= this.#restartLoop().finally(() => {
      this.#restart = null;
      if (!this.#stopping && this.#client.generationId !== this.#streamGeneration) this.#requestRestart(0);
    });
  }

  async #restartLoop(): Promise<void> {
    for (;;) {
      const old = this.#stream;
      this.#stream = null;
      old?.pause();
      this.#clearQueues();
      await this.#settled();
      const delay = this.#pendingDelay;
      this.#pendingDelay = 0;
      if (delay > 0) await this.#sleep(delay);
      if (this.#stopping) {
        this.#stream = old;
        return;
      }
      try {
        await this.#openStream();
      } catch (error) {
        this.#log.warn("reopening the Kafka stream failed; retrying", { error });
        this.#stream = old;
        this.#pendingDelay = this.#settings.redeliveryDelayMs;
        continue;
      }
      await old?.close().catch((error: unknown) => this.#log.warn("closing the old Kafka stream failed", { error }));
      if (this.#client.generationId === this.#streamGeneration) return;
    }
  }

  #clearQueues(): void {
    for (const [key, state] of this.#partitions) {
      this.#buffered -= state.queue.length;
      state.queue = [];
      if (!state.running) this.#partitions.delete(key);
    }
  }

  async #settled(): Promise<void> {
    const running = [...this.#partitions.values()].flatMap((state) => (state.running ? [state.running] : []));
    await Promise.allSettled(running);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        clearTimeout(timer);
        done();
      };
      function done() {
        resolve();
      }
      this.#wake = wake;
    });
  }
}

function toLogRecord(message: StringMessage): LogRecord {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ?? "",
    value: message.value ?? "",
    headers: Object.fromEntries(message.headers),
    timestamp: new Date(Number(message.timestamp)),
  };
}
