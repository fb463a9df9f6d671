import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { EventLog } from "../event-log.ts";
import type { ConsumerLag } from "./types.ts";

export async function consumerLag(log: EventLog, group: string, topics: string[]): Promise<ConsumerLag> {
  const partitions = await log.lag(group, topics);
  return { group, total: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
}

/**
 * Stores a measurement in events.consumer_lag, where the edge's
 * GET /admin/consumers reads it (the edge cannot ask Kafka). Every member of a
 * group measures the whole group; an older measurement never overwrites a newer one.
 */
export async function recordLag(db: Kysely<Database>, lag: ConsumerLag, measuredAt = new Date()): Promise<void> {
  if (lag.partitions.length === 0) return;
  await db
    .insertInto("events.consumer_lag")
    .values(
      lag.partitions.map((partition) => ({
        group_id: lag.group,
        topic: partition.topic,
        partition: partition.partition,
        committed_offset: partition.committed,
        end_offset: partition.end,
        lag: partition.lag,
        measured_at: measuredAt,
      })),
    )
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

/**
 * Every `intervalMs`: logs the group's lag as one structured line (at debug level
 * when it is zero) and hands it
 * to `record` (events.consumer_lag); returns the stopper.
 */
export function reportLag(read: () => Promise<ConsumerLag>, logger: Logger, intervalMs: number, record?: (lag: ConsumerLag) => Promise<void>): () => void {
  if (intervalMs <= 0) return () => undefined;
  const timer = setInterval(() => {
    read().then(
      async (lag) => {
        // A caught-up group is the normal case: one info line per group every interval says nothing.
        logger[lag.total > 0 ? "info" : "debug"]("consumer lag", {
          group: lag.group,
          lag: lag.total,
          partitions: lag.partitions.filter((partition) => partition.lag > 0).map(({ topic, partition, lag: behind }) => ({ topic, partition, lag: behind })),
        });
        if (record) await record(lag).catch((error: unknown) => logger.warn("consumer lag not recorded", { error }));
      },
      (error: unknown) => logger.warn("consumer lag unavailable", { error }),
    );
  }, intervalMs);
  // Lag reporting alone must not keep a process alive.
  timer.unref?.();
  return () => clearInterval(timer);
}
