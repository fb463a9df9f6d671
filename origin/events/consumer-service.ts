import type { OriginService } from "../service.ts";
import { startConsumer } from "./consumer.ts";
import type { ConsumerOptions } from "./consumer/types.ts";
import { createEventLog } from "./event-log-factory.ts";

/** What a consumer-only origin service declares; the runtime supplies the log, database and logger. */
export type ConsumerServiceSpec = Pick<OriginService, "name" | "description"> &
  Pick<ConsumerOptions, "group" | "topics" | "handlers"> &
  Partial<Pick<ConsumerOptions, "batchHandlers" | "retry" | "transactionScope" | "maxBatchSize" | "from">>;

const defaultRetry = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * An origin service that only consumes events: opens the configured event log
 * (Kafka or the PostgreSQL log), runs one consumer group, and closes the log
 * on stop or when the consumer cannot start.
 * @example export const fooService = consumerService({ name: "foo", description: "…", group: "foo", topics: ["tunec.users"], handlers: { … } });
 */
export function consumerService(spec: ConsumerServiceSpec): OriginService {
  const { name, description, ...consumerOptions } = spec;
  return {
    name,
    description,
    async start({ config, db, log }) {
      const backbone = createEventLog(config, db, log);
      try {
        const consumer = await startConsumer({ retry: defaultRetry, ...consumerOptions, log: backbone.log, db, logger: log });
        return {
          async stop() {
            await consumer.stop();
            await backbone.log.close();
          },
        };
      } catch (error) {
        await backbone.log.close();
        throw error;
      }
    },
  };
}
