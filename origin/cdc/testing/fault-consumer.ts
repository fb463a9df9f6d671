/**
 * A consumer process for the fault test: the real consumer framework (inbox +
 * effects in one transaction) whose effect is one row per handled event in
 * public.fault_effects, a table WITHOUT a unique key, so that an event handled
 * twice would show as two rows. Env: DATABASE_URL, KAFKA_BROKERS (optional),
 * FAULT_GROUP, FAULT_TOPIC.
 */
import { sql } from "kysely";
import { nodeConfigSchema, parseConfig } from "../../../shared/config.ts";
import { createPostgresDatabase } from "../../../shared/db/postgres.ts";
import { createLogger } from "../../../shared/logger.ts";
import { startConsumer } from "../../events/consumer.ts";
import { createEventLog } from "../../events/event-log-factory.ts";

const config = parseConfig(nodeConfigSchema, process.env);
const group = process.env.FAULT_GROUP;
const topic = process.env.FAULT_TOPIC;
if (!config.DATABASE_URL || !group || !topic) throw new Error("DATABASE_URL, FAULT_GROUP and FAULT_TOPIC are required");
const logger = createLogger({ service: "fault-consumer" }, config.LOG_LEVEL);
const db = createPostgresDatabase(config.DATABASE_URL, { maxConnections: 4, applicationName: "tunec-fault-consumer" });
const backbone = createEventLog(config, db, logger);
const consumer = await startConsumer({
  log: backbone.log,
  db,
  group,
  topics: [topic],
  logger,
  lagIntervalMs: 0,
  retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2_000 },
  handlers: {
    "tunec.playback.playback-started.v1": async (event, trx) => {
      await sql`insert into public.fault_effects (event_id, play_id) values (${event.id}, ${event.data.playId})`.execute(trx);
    },
  },
});
logger.info("fault consumer running", { group, topic });

process.once("SIGTERM", () => {
  void (async () => {
    await consumer.stop();
    await backbone.log.close();
    await db.destroy();
    process.exit(0);
  })();
});
