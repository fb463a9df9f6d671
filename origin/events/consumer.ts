/**
 * The consumer framework every origin service uses: at-least-once delivery
 * from the EventLog port, made exactly-once in effect by the inbox; per-key
 * order (records of one partition are handled one after another); retries with
 * backoff; poison events parked on `<topic>.dlq`; graceful drain; lag (logged and
 * stored in events.consumer_lag for the admin console).
 *
 * @example
 * const consumer = await startConsumer({
 *   log, db, group: "search-indexer", topics: ["tunec.catalog.tracks"], logger,
 *   retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
 *   handlers: { "tunec.catalog.track-updated.v1": async (event, trx) => { await upsertDocument(trx, event.data.after) } },
 * });
 * await consumer.stop();
 */
import { topicSpecs } from "../../shared/events/topics.ts";
import { consumerLag, reportLag } from "./consumer/lag.ts";
import { createBatchProcessor } from "./consumer/process-batch.ts";
import type { ConsumerOptions, RunningConsumer } from "./consumer/types.ts";

export type {
  BatchContext,
  ConsumerLag,
  ConsumerOptions,
  EventBatchHandler,
  EventBatchHandlers,
  EventHandler,
  EventHandlers,
  HandlerContext,
  RetryPolicy,
  RunningConsumer,
} from "./consumer/types.ts";
export { ConsumerStoppingError } from "./consumer/process-record.ts";

const defaultLagIntervalMs = 30_000;

export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  if (!Number.isInteger(options.retry.maxAttempts) || options.retry.maxAttempts < 1) throw new RangeError("retry.maxAttempts must be an integer ≥ 1");
  const both = Object.keys(options.batchHandlers ?? {}).filter((type) => type in options.handlers);
  if (both.length > 0) throw new RangeError(`event types in both handlers and batchHandlers: ${both.join(", ")}`);
  const logger = options.logger.child({ group: options.group });
  // Dead-letter topics must exist before the first poison event: Kafka refuses to publish to unknown topics.
  await options.log.ensureTopics(topicSpecs(options.topics));
  const stopping = new AbortController();
  const processBatch = createBatchProcessor({ ...options, logger }, stopping.signal);
  const consumer = await options.log.consume({
    group: options.group,
    topics: options.topics,
    from: options.from ?? "earliest",
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
    // Records of one partition, one after another: order per key is the contract.
    handle: processBatch,
  });
  const lag = () => consumerLag(options.log, options.group, options.topics);
  const stopReporting = reportLag(lag, logger, options.lagIntervalMs ?? defaultLagIntervalMs, options.db);
  logger.info("consumer started", { topics: options.topics, handles: [...Object.keys(options.handlers), ...Object.keys(options.batchHandlers ?? {})] });

  let stopped: Promise<void> | undefined;
  return {
    lag,
    stop() {
      stopped ??= (async () => {
        stopReporting();
        stopping.abort();
        await consumer.stop();
        logger.info("consumer stopped");
      })();
      return stopped;
    },
  };
}
