import type { Message } from "@platformatic/kafka";
import type { LogRecord } from "./event-log.ts";

export type StringMessage = Message<string, string, string, string>;

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

export interface PartitionWorkersOptions {
  handle: (records: LogRecord[]) => Promise<void>;
  maxBatch: number;
  /** False while the consumer restarts, rebalances or stops. */
  mayDispatch: () => boolean;
  commit: (topic: string, partition: number, next: bigint, leaderEpoch: number) => Promise<void>;
  onRejected: (first: LogRecord, error: unknown) => void;
  onCommitFailed: (topic: string, partition: number, error: unknown) => void;
  /** A batch left the queues: the consumer may resume a paused stream. */
  onTaken: () => void;
}

/**
 * Per-partition queues with one running batch per partition: a batch is
 * handed to `handle` in offset order and committed once it resolved;
 * partitions run side by side.
 */
export class PartitionWorkers {
  readonly #options: PartitionWorkersOptions;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #ready = new Set<PartitionState>();
  #buffered = 0;
  #holdUntil = 0;
  #holdTimer: NodeJS.Timeout | null = null;

  constructor(options: PartitionWorkersOptions) {
    this.#options = options;
  }

  get buffered(): number {
    return this.#buffered;
  }

  push(message: StringMessage): void {
    const key = `${message.topic}:${message.partition}`;
    let state = this.#partitions.get(key);
    if (!state) {
      state = { topic: message.topic, partition: message.partition, queue: [], running: null };
      this.#partitions.set(key, state);
    }
    state.queue.push({ record: toLogRecord(message), leaderEpoch: message.leaderEpoch });
    this.#buffered++;
    // A fetch response is pushed record by record in one synchronous loop:
    // dispatch after it, so a batch holds the whole response, not one record.
    this.#ready.add(state);
    if (this.#ready.size === 1) {
      queueMicrotask(() => {
        const ready = [...this.#ready];
        this.#ready.clear();
        for (const readyState of ready) this.#dispatch(readyState);
      });
    }
  }

  /** Hands nothing out for `ms`, then resumes every partition. */
  hold(ms: number): void {
    this.#holdUntil = Date.now() + ms;
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = setTimeout(() => {
      this.#holdTimer = null;
      this.dispatchAll();
    }, ms);
  }

  dispatchAll(): void {
    for (const state of this.#partitions.values()) this.#dispatch(state);
  }

  /** Drops everything queued (it will be fetched again from the committed offsets). */
  clear(): void {
    for (const [key, state] of this.#partitions) {
      this.#buffered -= state.queue.length;
      state.queue = [];
      if (!state.running) this.#partitions.delete(key);
    }
    this.#ready.clear();
  }

  /** Resolves once no batch is running (none starts while `mayDispatch` is false). */
  async settled(): Promise<void> {
    const running = [...this.#partitions.values()].flatMap((state) => (state.running ? [state.running] : []));
    await Promise.allSettled(running);
  }

  close(): void {
    if (this.#holdTimer) clearTimeout(this.#holdTimer);
    this.#holdTimer = null;
    this.clear();
  }

  #dispatch(state: PartitionState): void {
    if (state.running || state.queue.length === 0 || !this.#options.mayDispatch() || Date.now() < this.#holdUntil) return;
    const batch = state.queue.splice(0, this.#options.maxBatch);
    this.#buffered -= batch.length;
    this.#options.onTaken();
    state.running = this.#run(state, batch).finally(() => {
      state.running = null;
      this.#dispatch(state);
    });
  }

  async #run(state: PartitionState, batch: Queued[]): Promise<void> {
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (!first || !last) return;
    try {
      await this.#options.handle(batch.map((queued) => queued.record));
    } catch (error) {
      this.#options.onRejected(first.record, error);
      return;
    }
    try {
      await this.#options.commit(state.topic, state.partition, BigInt(last.record.offset) + 1n, last.leaderEpoch);
    } catch (error) {
      // At least once: the batch was handled; a failed commit only means it may come again.
      this.#options.onCommitFailed(state.topic, state.partition, error);
    }
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
