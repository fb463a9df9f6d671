/**
 * The consumer of `npm run bench:events` in its own process (the default), as
 * a deployment runs it: a separate service from the CDC. Forked by events.ts
 * with an IPC channel; it runs the consumer framework (inbox + the bench's
 * one-statement effect) and reports each handled run's event ids with the wall
 * time (epoch ms) it was handled, so the parent can measure end to end.
 *
 * Messages: to the parent `{ kind: "ready" }` and
 * `{ kind: "handled", ids, at }`; from the parent `{ kind: "stop" }`.
 */
import { z } from "zod";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { startConsumer } from "../../origin/events/consumer.ts";
import { createEventLog } from "../../origin/events/event-log-factory.ts";
import { benchConsumerOptions, consumerMessageSchema } from "./events-ipc.ts";

const env = z
  .object({
    BENCH_DATABASE_URL: z.string().min(1),
    BENCH_KAFKA_BROKERS: z.string().optional(),
    BENCH_GROUP: z.string().min(1),
  })
  .parse(process.env);
const send = process.send?.bind(process);
if (!send) throw new Error("events-consumer.ts runs as a child of scripts/bench/events.ts (an IPC channel is required)");

const logger = createLogger({ service: "bench-events-consumer", pid: process.pid }, "warn");
const db = createPostgresDatabase(env.BENCH_DATABASE_URL, { maxConnections: 5 });
const brokers = env.BENCH_KAFKA_BROKERS ? env.BENCH_KAFKA_BROKERS.split(",") : undefined;
const backbone = createEventLog({ DATABASE_URL: env.BENCH_DATABASE_URL, KAFKA_BROKERS: brokers }, db, logger);
const consumer = await startConsumer(
  benchConsumerOptions({ log: backbone.log, db, group: env.BENCH_GROUP, logger }, (ids) =>
    send({ kind: "handled", ids, at: performance.timeOrigin + performance.now() }),
  ),
);
send({ kind: "ready" });

process.on("message", (raw: unknown) => {
  const message = consumerMessageSchema.parse(raw);
  if (message.kind !== "stop") return;
  void (async () => {
    await consumer.stop();
    await backbone.log.close();
    await db.destroy();
    process.disconnect();
    process.exit(0);
  })();
});
// The parent died without stopping us: nothing reads our reports any more.
process.on("disconnect", () => process.exit(0));
