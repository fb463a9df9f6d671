import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { EventType, TunecEvent } from "../../../shared/events/catalog.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { EventLog, LogRecord, PartitionLag } from "../event-log.ts";

export interface HandlerContext {
  /** Bound to the event id, type, offset and the trace id of its traceparent. */
  logger: Logger;
  /** The event's traceparent: pass `childTraceparent(it)` to events written while handling it. */
  traceparent: string | undefined;
  record: LogRecord;
  /** 1 on first delivery; more when retrying after a failure. */
  attempt: number;
}

/**
 * Runs inside the transaction that also records the event in the inbox: write
 * every effect through `trx`, and a redelivered event changes nothing.
 */
export type EventHandler<T extends EventType> = (event: TunecEvent<T>, trx: Transaction<Database>, context: HandlerContext) => Promise<void>;

export type EventHandlers = { [T in EventType]?: EventHandler<T> };

export interface BatchContext {
  /** The consumer's logger (not bound to one event). */
  logger: Logger;
  /** The records of `events`, in the same order. */
  records: LogRecord[];
  /** 1 on first delivery; more when retrying after a failure (then `events` holds one event). */
  attempt: number;
}

/**
 * Handles consecutive events of one type of one partition, in offset order,
 * inside the transaction that records them in the inbox (duplicates are
 * already filtered out). Lets a handler write its effect for a whole fetched
 * batch in one statement instead of one round trip per event. On a failure
 * the run is redone one event at a time, with a single-event array.
 */
export type EventBatchHandler<T extends EventType> = (events: Array<TunecEvent<T>>, trx: Transaction<Database>, context: BatchContext) => Promise<void>;

export type EventBatchHandlers = { [T in EventType]?: EventBatchHandler<T> };

export interface RetryPolicy {
  /** Attempts before the event goes to the dead-letter topic (≥ 1). */
  maxAttempts: number;
  /** Delay before the first retry; doubles per attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ConsumerOptions {
  log: EventLog;
  db: Kysely<Database>;
  /** Consumer group, and the inbox's `consumer` column. */
  group: string;
  topics: string[];
  handlers: EventHandlers;
  /** Types handled a batch at a time (a type is in `handlers` or here, not both). */
  batchHandlers?: EventBatchHandlers;
  retry: RetryPolicy;
  logger: Logger;
  from?: "earliest" | "latest";
  maxBatchSize?: number;
  /**
   * "batch" (default): consecutive events of a delivered batch commit in one
   * transaction (far fewer commits); if one fails, that run is rolled back and
   * redone one event at a time. "event": one transaction per event, for
   * handlers whose effects outside `trx` must not be repeated on such a redo.
   */
  transactionScope?: "batch" | "event";
  /** How often lag is logged and stored (events.consumer_lag); default 30 s, 0 turns it off. */
  lagIntervalMs?: number;
}

export interface ConsumerLag {
  group: string;
  /** Records published but not yet handled, over all partitions. */
  total: number;
  partitions: PartitionLag[];
}

export interface RunningConsumer {
  /** Stops fetching, finishes the in-flight batch (cutting retry waits short), leaves the group. */
  stop(): Promise<void>;
  lag(): Promise<ConsumerLag>;
}
