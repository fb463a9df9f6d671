/** The EventLog adapters the consumer suite runs on (test support). */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { createLogger } from "../../../shared/logger.ts";
import type { EventLog } from "../event-log.ts";
import { createKafkaEventLog } from "../kafka-event-log.ts";
import { createPostgresEventLog } from "../postgres-event-log.ts";
import { createMemoryEventLog } from "../testing/memory-event-log.ts";

export interface ConsumerLogKind {
  name: string;
  create(db: Kysely<Database>, url: string): EventLog;
  toString(): string;
}

const quiet = createLogger({ component: "consumer-test-event-log" }, "error");

/**
 * The embedded PostgreSQL log and, given a broker, Apache Kafka (the real
 * adapters), and the in-memory one for quick runs of the same behaviours.
 */
export function consumerLogKinds(kafkaBrokers: string[] | null = null): ConsumerLogKind[] {
  const kafka: ConsumerLogKind[] = kafkaBrokers
    ? [{ name: "kafka", create: () => createKafkaEventLog({ brokers: kafkaBrokers, clientId: "consumer-test", logger: quiet }), toString: () => "kafka" }]
    : [];
  return [
    ...kafka,
    {
      name: "postgres",
      // A short lease TTL: a restarted member should not wait long for a predecessor that failed to leave.
      create: (db, url) => createPostgresEventLog({ db, url, logger: quiet, pollIntervalMs: 20, redeliveryDelayMs: 100, leaseTtlMs: 1_500 }),
      toString: () => "postgres",
    },
    { name: "memory", create: () => createMemoryEventLog(), toString: () => "memory" },
  ];
}
