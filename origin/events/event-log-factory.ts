import type { Kysely } from "kysely";
import type { NodeConfig } from "../../shared/config.ts";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { EventLog, LogRecordInput } from "./event-log.ts";
import { createKafkaEventLog } from "./kafka-event-log.ts";
import { createPostgresEventLog } from "./postgres-event-log.ts";

export interface EventBackbone {
  kind: "kafka" | "postgres";
  log: EventLog;
  /**
   * Present when the log lives in the service's own database (the PostgreSQL
   * log): `append` writes inside the caller's transaction, so a state change
   * and its log records commit together; `wake` tells this process's
   * consumers after that commit.
   */
  sameDatabase?: {
    append(trx: Kysely<Database>, records: readonly LogRecordInput[]): Promise<unknown>;
    wake(topics: readonly string[]): void;
  };
}

/**
 * The EventLog the origin uses: Apache Kafka when KAFKA_BROKERS is set, else
 * the PostgreSQL-backed log in the origin's own database (the embedded default).
 * `db` stays the caller's: closing the log does not close it.
 * @example const { log } = createEventLog(config, db, logger)
 */
export function createEventLog(config: Pick<NodeConfig, "KAFKA_BROKERS" | "DATABASE_URL">, db: Kysely<Database>, logger: Logger): EventBackbone {
  if (config.KAFKA_BROKERS && config.KAFKA_BROKERS.length > 0) {
    return { kind: "kafka", log: createKafkaEventLog({ brokers: config.KAFKA_BROKERS, logger: logger.child({ eventLog: "kafka" }) }) };
  }
  const log = createPostgresEventLog({
    db,
    ...(config.DATABASE_URL ? { url: config.DATABASE_URL } : {}),
    logger: logger.child({ eventLog: "postgres" }),
  });
  return { kind: "postgres", log, sameDatabase: { append: (trx, records) => log.append(trx, records), wake: (topics) => log.wake(topics) } };
}
