import { Consumer as KafkaClient, stringDeserializers } from "@platformatic/kafka";
import type { MessagesStream } from "@platformatic/kafka";
import type { Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, Consumer } from "./event-log.ts";
import { PartitionWorkers, type StringMessage } from "./kafka-event-log-partitions.ts";

type StringStream = MessagesStream<string, string, string, string>;

export interface KafkaConsumerSettings {
  brokers: string[];
  clientId: string;
  logger: Logger;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Pause before a rejected batch is delivered again. */
  redeliveryDelayMs: number;
  /**
   * After a rebalance, how long a member waits before handling: the client
   * has no "partitions revoked" hook, so a member that lost a partition may
   * still be finishing a batch of it; this gives that batch time to end.
   */
  handoverGraceMs: number;
}

/**
 * A group member over @platformatic/kafka's message stream, manual commits only.
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
  readonly #workers: PartitionWorkers;
  readonly #highWater: number;
  #stream: StringStream | null = null;
  #streamGeneration = -1;
  #restart: Promise<void> | null = null;
  #pendingDelay = 0;
  #wake: (() => void) | null = null;
  #stopping: Promise<void> | null = null;
  /** Between "rebalance in progress" and the stream of the new generation: hand nothing out. */
  #rebalancing = false;

  constructor(options: ConsumeOptions, settings: KafkaConsumerSettings) {
    this.#options = options;
    this.#settings = settings;
    this.#log = settings.logger.child({ group: options.group });
    const maxBatch = Math.max(1, options.maxBatchSize ?? 500);
    this.#highWater = Math.max(4 * maxBatch, 2_000);
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
    this.#workers = new PartitionWorkers({
      handle: options.handle,
      maxBatch,
      mayDispatch: () => !this.#restart && !this.#stopping && !this.#rebalancing,
      commit: (topic, partition, offset, leaderEpoch) => this.#client.commit({ offsets: [{ topic, partition, offset, leaderEpoch }] }),
      onRejected: (first, error) => {
        const { topic, partition, offset } = first;
        this.#log.warn("handler rejected a batch; it will be delivered again", { topic, partition, offset, error });
        this.#requestRestart(this.#settings.redeliveryDelayMs);
      },
      onCommitFailed: (topic, partition, error) => this.#log.warn("offset commit failed; records may be delivered again", { topic, partition, error }),
      onTaken: () => {
        if (this.#stream?.isPaused() && this.#workers.buffered < this.#highWater / 2) this.#stream.resume();
      },
    });
  }

  /** Joins the group and starts fetching; resolves once this member has its assignment. */
  async start(): Promise<void> {
    let joinedAsFollower = false;
    const onFirstJoin = ({ isLeader }: { isLeader?: boolean }) => void (joinedAsFollower = isLeader === false);
    this.#client.once("consumer:group:join", onFirstJoin);
    await this.#openStream();
    this.#client.off("consumer:group:join", onFirstJoin);
    // A follower joined a group with other members: one of them may have just lost a partition to us.
    if (joinedAsFollower) this.#workers.hold(this.#settings.handoverGraceMs);
    this.#client.on("consumer:group:rebalance", () => void (this.#rebalancing = true));
    this.#client.on("consumer:group:join", ({ generationId }) => {
      if (generationId === this.#streamGeneration) {
        this.#rebalancing = false;
        this.#workers.dispatchAll();
      } else if (!this.#restart) {
        // A restart in progress re-checks the generation when it opens its stream.
        this.#requestRestart(0);
      }
    });
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#wake?.();
    this.#stream?.pause();
    this.#workers.close();
    await this.#restart;
    await this.#workers.settled();
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
    stream.on("data", (message: StringMessage) => {
      // Records of a detached stream are dropped: its successor fetches them again.
      // A restart still finishing keeps the new stream's records queued until it ends.
      if (stream !== this.#stream || this.#stopping) return;
      this.#workers.push(message);
      if (this.#workers.buffered >= this.#highWater) stream.pause();
    });
    stream.on("error", (error: Error) => {
      if (stream !== this.#stream || this.#stopping) return;
      this.#log.warn("Kafka stream failed; reopening from the committed offsets", { error });
      this.#requestRestart(this.#settings.redeliveryDelayMs);
    });
    this.#stream = stream;
  }

  #requestRestart(delayMs: number): void {
    if (this.#stopping) return;
    this.#pendingDelay = Math.max(this.#pendingDelay, delayMs);
    this.#restart ??= this.#restartLoop().finally(() => {
      this.#restart = null;
      if (!this.#stopping && this.#client.generationId !== this.#streamGeneration) this.#requestRestart(0);
      else this.#workers.dispatchAll();
    });
  }

  async #restartLoop(): Promise<void> {
    const generationBefore = this.#streamGeneration;
    for (;;) {
      const old = this.#stream;
      this.#stream = null;
      old?.pause();
      this.#workers.clear();
      await this.#workers.settled();
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
      if (this.#client.generationId === this.#streamGeneration) {
        if (this.#streamGeneration !== generationBefore) this.#workers.hold(this.#settings.handoverGraceMs);
        this.#rebalancing = false;
        return;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
