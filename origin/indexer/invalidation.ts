import type { Kysely } from "kysely";
import type { Cache } from "../../shared/cache/cache.ts";
import { searchFenceSeconds, searchVersionKey } from "../../shared/cache/search-keys.ts";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import { changeTags, type ChangedDocument } from "../../workers/search/cache-tags.ts";
import type { ConsumeOptions, EventLog, LogRecord } from "../events/event-log.ts";
import { searchForms, type IndexChange } from "./apply.ts";

/**
 * Past this many tags one change drops every cached search (a version bump)
 * instead: an artist with thousands of tracks renamed costs one INCR, not
 * thousands of set reads, and most pages would go anyway.
 */
export const maxTagsPerInvalidation = 5_000;

/**
 * Drops the cached searches a change touches (workers/search/cache-tags.ts),
 * or all of them past maxTagsPerInvalidation. The indexer's Redis must be the
 * edge's (docs/search-opensearch.md). Failures are logged: the index is
 * right, and cached pages may then be stale until their TTL.
 */
export async function invalidateDocuments(cache: Cache, documents: readonly ChangedDocument[], logger: Logger): Promise<void> {
  if (documents.length === 0) return;
  try {
    const tags = changeTags(documents);
    if (tags.length > maxTagsPerInvalidation) await cache.increment(searchVersionKey);
    else await cache.invalidateTags(tags, searchFenceSeconds);
  } catch (error) {
    logger.warn("could not invalidate cached searches", { error });
  }
}

/** The changed documents as the read model holds them now, with the forms they match by now and did before. */
export async function changedDocuments(db: Kysely<Database>, change: IndexChange): Promise<ChangedDocument[]> {
  const now = await searchForms(db, change);
  const documents: ChangedDocument[] = [];
  for (const [kind, ids] of [
    ["track", change.tracks],
    ["album", change.albums],
    ["artist", change.artists],
  ] as const)
    for (const id of ids) documents.push({ kind, id, searchForm: now[`${kind}:${id}`] ?? "", previousForm: change.before[`${kind}:${id}`] ?? "" });
  return documents;
}

/**
 * Drops cached searches after index changes have COMMITTED: invalidating
 * inside the handler's transaction would let a search that runs before the
 * commit cache the old results again.
 *
 * The consumer framework commits each record's transaction before it moves
 * on, and a batch's `handle` resolves after all of them; so this decorator of
 * the EventLog port invalidates what a batch changed once the batch has been
 * handled. Changes are kept per partition because batches of different
 * partitions run concurrently.
 *
 * `cache` is null when there is nothing to invalidate here: no Redis, or
 * OpenSearch answers searches (the shipping pump invalidates after the
 * shipment is visible instead).
 */
export interface SearchInvalidation {
  /** Wrap the log given to the consumer with it. */
  wrap(log: EventLog): EventLog;
  /** Called by handlers: this record changed these documents. */
  changed(record: LogRecord, change: IndexChange): void;
}

/**
 * `afterCommit` runs after every handled batch that changed the index, before
 * the cache is touched: the OpenSearch pump is woken there, so it ships the
 * change at once instead of at its next poll.
 */
export function searchInvalidation(cache: Cache | null, db: Kysely<Database>, logger: Logger, options: { afterCommit?: () => void } = {}): SearchInvalidation {
  const pending = new Map<string, IndexChange>();
  const partitionOf = (record: { topic: string; partition: number }) => `${record.topic}/${record.partition}`;

  async function afterBatch(records: readonly LogRecord[]): Promise<void> {
    const first = records[0];
    if (!first) return;
    const change = pending.get(partitionOf(first));
    if (!change) return;
    pending.delete(partitionOf(first));
    options.afterCommit?.();
    if (!cache) return;
    try {
      await invalidateDocuments(cache, await changedDocuments(db, change), logger);
    } catch (error) {
      logger.warn("could not invalidate cached searches", { error });
    }
  }

  return {
    changed(record, change) {
      const key = partitionOf(record);
      const sofar = pending.get(key) ?? { tracks: [], albums: [], artists: [], before: {} };
      pending.set(key, {
        tracks: [...new Set([...sofar.tracks, ...change.tracks])],
        albums: [...new Set([...sofar.albums, ...change.albums])],
        artists: [...new Set([...sofar.artists, ...change.artists])],
        // The batch's net change runs from the first form seen to the last.
        before: { ...change.before, ...sofar.before },
      });
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
