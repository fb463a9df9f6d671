/**
 * One consumer process of `npm run bench:scale`: joins SCALE_GROUP on
 * SCALE_TOPIC through the event log (Kafka when KAFKA_BROKERS is set, else the
 * PostgreSQL log at DATABASE_URL), applies each batch as one idempotent insert
 * (the shape of an inbox write), and prints one JSON line when stopped
 * (SIGTERM): records handled and each record's publish→handled latency.
 */
import { sql } from "kysely";
import { z } from "zod";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { createEventLog } from "../../origin/events/event-log-factory.ts";

const env = z
  .object({
    DATABASE_URL: z.string().min(1),
    KAFKA_BROKERS: z.string().optional(),
    SCALE_TOPIC: z.string().min(1),
    SCALE_GROUP: z.string().min(1),
  })
  .parse(process.env);
const logger = createLogger({ service: "bench-scale-consumer", pid: process.pid }, "warn");
const db = createPostgresDatabase(env.DATABASE_URL, { maxConnections: 4 });
const brokers = env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(",") : undefined;
const { log } = createEventLog({ DATABASE_URL: env.DATABASE_URL, KAFKA_BROKERS: brokers }, db, logger);
const latencies: number[] = [];
let handled = 0;
const consumer = await log.consume({
  group: env.SCALE_GROUP,
  topics: [env.SCALE_TOPIC],
  from: "earliest",
  handle: async (records) => {
    const ids = records.map((record) => `${record.key}:${record.offset}`);
    await sql`insert into public.bench_scale_effects (id) select unnest(${ids}::text[]) on conflict do nothing`.execute(db);
    const now = Date.now();
    for (const record of records) latencies.push(now - Number(record.value));
    handled += records.length;
  },
});
console.log(JSON.stringify({ ready: true }));
process.once("SIGTERM", () => {
  void (async () => {
    await consumer.stop();
    await log.close();
    await db.destroy();
    console.log(JSON.stringify({ handled, latencies }));
    process.exit(0);
  })();
});
