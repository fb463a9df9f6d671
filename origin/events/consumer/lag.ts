import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { databaseUrlOf } from "../../../shared/db/postgres.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { EventLog } from "../event-log.ts";
import type { ConsumerLag } from "./types.ts";

export async function consumerLag(log: EventLog, group: string, topics: string[]): Promise<ConsumerLag> {
  const partitions = await log.lag(group, topics);
  return { group, total: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
}

/**
 * Stores measurements in events.consumer_lag, where the edge's
 * GET /admin/consumers reads them (the edge cannot ask Kafka), in one
 * statement. Every member of a group measures the whole group; an older
 * measurement never overwrites a newer one.
 */
export async function recordLag(db: Kysely<Database>, lags: ConsumerLag | readonly ConsumerLag[], measuredAt = new Date()): Promise<void> {
  // Two members of one group measure the same partitions; one statement must not update a row twice.
  const byPartition = new Map<string, ConsumerLag["partitions"][number] & { group: string }>();
  for (const lag of Array.isArray(lags) ? lags : [lags as ConsumerLag])
    for (const partition of lag.partitions)
      byPartition.set(`${lag.group}\u0000${partition.topic}\u0000${partition.partition}`, { ...partition, group: lag.group });
  const rows = [...byPartition.values()].map((partition) => ({
    group_id: partition.group,
    topic: partition.topic,
    partition: partition.partition,
    committed_offset: partition.committed,
    end_offset: partition.end,
    lag: partition.lag,
    measured_at: measuredAt,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto("events.consumer_lag")
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(["group_id", "topic", "partition"])
        .doUpdateSet((eb) => ({
          committed_offset: eb.ref("excluded.committed_offset"),
          end_offset: eb.ref("excluded.end_offset"),
          lag: eb.ref("excluded.lag"),
          measured_at: eb.ref("excluded.measured_at"),
        }))
        .where("events.consumer_lag.measured_at", "<", (eb) => eb.ref("excluded.measured_at")),
    )
    .execute();
}

interface LagSource {
  read: () => Promise<ConsumerLag>;
  logger: Logger;
  /** Where it is stored: every source of one reporter points at the same database, each through its service's pool. */
  db: Kysely<Database> | undefined;
}

/** The consumers of one database and interval in this process, measured on one timer. */
interface LagReporter {
  sources: Set<LagSource>;
  timer: ReturnType<typeof setInterval>;
}

const reporters = new Map<string | Kysely<Database> | undefined, Map<number, LagReporter>>();

/**
 * Every `intervalMs`: logs the group's lag as one structured line (at debug
 * level when it is zero) and stores it in events.consumer_lag; returns the
 * stopper. The consumers of one database in a process (about fifteen origin
 * services, each with its own pool) share one timer and one insert: on the
 * embedded database an idle process otherwise ran a statement per group every
 * interval.
 */
export function reportLag(read: () => Promise<ConsumerLag>, logger: Logger, intervalMs: number, db?: Kysely<Database>): () => void {
  if (intervalMs <= 0) return () => undefined;
  const database = db ? (databaseUrlOf(db) ?? db) : undefined;
  const byInterval = reporters.get(database) ?? new Map<number, LagReporter>();
  reporters.set(database, byInterval);
  let reporter = byInterval.get(intervalMs);
  if (!reporter) {
    const sources = new Set<LagSource>();
    let measuring = false;
    const timer = setInterval(() => {
      // A slow database must not stack measurements up.
      if (measuring) return;
      measuring = true;
      // It never rejects: each read and the insert catch and log their own errors.
      void measureAll(sources).finally(() => {
        measuring = false;
      });
    }, intervalMs);
    // Lag reporting alone must not keep a process alive.
    timer.unref?.();
    reporter = { sources, timer };
    byInterval.set(intervalMs, reporter);
  }
  const source: LagSource = { read, logger, db };
  const { sources, timer } = reporter;
  sources.add(source);
  return () => {
    sources.delete(source);
    if (sources.size > 0 || byInterval.get(intervalMs) !== reporter) return;
    clearInterval(timer);
    byInterval.delete(intervalMs);
    if (byInterval.size === 0) reporters.delete(database);
  };
}

async function measureAll(sources: ReadonlySet<LagSource>): Promise<void> {
  // Any live source's pool will do (a stopped service's pool may be gone already; its source is too).
  const db = [...sources].find((source) => source.db)?.db;
  const measured = await Promise.all(
    [...sources].map(async ({ read, logger }) => {
      try {
        const lag = await read();
        // A caught-up group is the normal case: one info line per group every interval says nothing.
        logger[lag.total > 0 ? "info" : "debug"]("consumer lag", {
          group: lag.group,
          lag: lag.total,
          partitions: lag.partitions.filter((partition) => partition.lag > 0).map(({ topic, partition, lag: behind }) => ({ topic, partition, lag: behind })),
        });
        return { lag, logger };
      } catch (error) {
        logger.warn("consumer lag unavailable", { error });
        return null;
      }
    }),
  );
  const lags = measured.filter((entry) => entry !== null);
  if (!db || lags.length === 0) return;
  await recordLag(
    db,
    lags.map((entry) => entry.lag),
  ).catch((error: unknown) => {
    for (const { logger } of lags) logger.warn("consumer lag not recorded", { error });
  });
}
