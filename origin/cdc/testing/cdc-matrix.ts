/** Which CDC setups the suites run: database × capture mode × EventLog adapter. */
import { createLogger } from "../../../shared/logger.ts";
import { databaseKinds, type DatabaseKind, type TestDatabase } from "../../../shared/testing/test-database.ts";
import type { EventLog } from "../../events/event-log.ts";
import { createEventLog } from "../../events/event-log-factory.ts";
import { acquireKafkaBroker } from "../../events/testing/kafka-broker.ts";
import type { CdcMode } from "../mode.ts";
import type { RelaySink } from "../trigger/relay.ts";

export type LogKind = "postgres" | "kafka";

export interface CdcCase {
  database: DatabaseKind;
  mode: CdcMode;
  logKind: LogKind;
}

export interface TestBackbone {
  log: EventLog;
  sink: RelaySink;
  /** KAFKA_BROKERS for child processes ("" for the PostgreSQL log). */
  kafkaBrokers: string;
  close(): Promise<void>;
}

export interface CdcMatrix {
  cases: CdcCase[];
  backbone(logKind: LogKind, database: TestDatabase): Promise<TestBackbone>;
  release(): Promise<void>;
}

/**
 * PGlite runs trigger mode (it has no logical replication); real PostgreSQL
 * runs WAL mode, and trigger mode too so the triggers meet a real server.
 * Each runs on the PostgreSQL log, and on Kafka when a broker is available.
 */
export async function cdcMatrix(options: { logs?: LogKind[]; triggerOnPostgres?: boolean } = {}): Promise<CdcMatrix> {
  const wanted = options.logs ?? ["postgres", "kafka"];
  const broker = wanted.includes("kafka") ? await acquireKafkaBroker() : null;
  const logs = wanted.filter((kind) => kind !== "kafka" || broker !== null);
  const setups = databaseKinds().flatMap(
    (database): Array<{ database: DatabaseKind; mode: CdcMode }> =>
      database === "pglite"
        ? [{ database, mode: "trigger" }]
        : [{ database, mode: "wal" }, ...(options.triggerOnPostgres === false ? [] : [{ database, mode: "trigger" as const }])],
  );
  const cases = setups.flatMap((setup) => logs.map((logKind) => ({ ...setup, logKind })));
  const logger = createLogger({ test: "cdc" }, "error");
  return {
    cases,
    async backbone(logKind, database) {
      const brokers = logKind === "kafka" && broker ? broker.brokers : undefined;
      const backbone = createEventLog({ KAFKA_BROKERS: brokers, DATABASE_URL: database.url }, database.db, logger);
      const sink: RelaySink = backbone.sameDatabase ? { kind: "same-transaction", ...backbone.sameDatabase } : { kind: "external", log: backbone.log };
      return { log: backbone.log, sink, kafkaBrokers: brokers?.join(",") ?? "", close: () => backbone.log.close() };
    },
    async release() {
      await broker?.release();
    },
  };
}
