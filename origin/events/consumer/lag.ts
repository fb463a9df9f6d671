import type { Logger } from "../../../shared/logger.ts";
import type { EventLog } from "../event-log.ts";
import type { ConsumerLag } from "./types.ts";

export async function consumerLag(log: EventLog, group: string, topics: string[]): Promise<ConsumerLag> {
  const partitions = await log.lag(group, topics);
  return { group, total: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
}

/** Logs the group's lag every `intervalMs` as one structured line; returns the stopper. */
export function reportLag(read: () => Promise<ConsumerLag>, logger: Logger, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => undefined;
  const timer = setInterval(() => {
    read().then(
      (lag) =>
        logger.info("consumer lag", {
          group: lag.group,
          lag: lag.total,
          partitions: lag.partitions.filter((partition) => partition.lag > 0).map(({ topic, partition, lag: behind }) => ({ topic, partition, lag: behind })),
        }),
      (error: unknown) => logger.warn("consumer lag unavailable", { error }),
    );
  }, intervalMs);
  // Lag reporting alone must not keep a process alive.
  timer.unref?.();
  return () => clearInterval(timer);
}
