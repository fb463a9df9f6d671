import type { Cache } from "../../shared/cache/cache.ts";
import { searchVersionKey } from "../../shared/cache/search-keys.ts";
import type { Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, EventLog, LogRecord } from "../events/event-log.ts";

/**
 * Drops cached searches after index changes have COMMITTED: bumping the
 * version inside the handler's transaction would let a search that runs
 * before the commit cache the old results under the new version.
 *
 * The consumer framework commits each record's transaction before it moves
 * on, and a batch's `handle` resolves after all of them; so this decorator of
 * the EventLog port bumps the version when a batch that changed the index
 * has been handled. Changes are tracked per partition because batches of
 * different partitions run concurrently.
 */
export interface SearchInvalidation {
  /** Wrap the log given to the consumer with it. */
  wrap(log: EventLog): EventLog;
  /** Called by handlers: this record changed the index. */
  changed(record: LogRecord): void;
}

/**
 * `afterCommit` runs after every handled batch that changed the index, before
 * the cache is touched: the OpenSearch pump is woken there, so it ships the
 * change at once instead of at its next poll.
 */
export function searchInvalidation(cache: Cache | null, logger: Logger, options: { afterCommit?: () => void } = {}): SearchInvalidation {
  const dirty = new Set<string>();
  const partitionOf = (record: { topic: string; partition: number }) => `${record.topic}/${record.partition}`;

  async function afterBatch(records: readonly LogRecord[]): Promise<void> {
    const first = records[0];
    if (!first || !dirty.delete(partitionOf(first))) return;
    options.afterCommit?.();
    if (!cache) return;
    try {
      await cache.increment(searchVersionKey);
    } catch (error) {
      // The index is right; cached pages may be stale until their TTL.
      logger.warn("could not invalidate cached searches", { error });
    }
  }

  return {
    changed(record) {
      dirty.add(partitionOf(record));
    },
    wrap(log) {
      return {
        ensureTopics: (topics) => log.ensureTopics(topics),
        publish: (records) => log.publish(records),
        lag: (group, topics) => log.lag(group, topics),
        close: () => log.close(),
        consume: (options: ConsumeOptions) =>
          log.consume({
            ...options,
            async handle(records) {
              await options.handle(records);
              await afterBatch(records);
            },
          }),
      };
    },
  };
}
