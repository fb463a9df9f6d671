import { describe } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import { describeEventLogContract } from "./event-log.contract.ts";
import { createKafkaEventLog } from "./kafka-event-log.ts";
import { acquireKafkaBroker } from "./testing/kafka-broker.ts";

const broker = await acquireKafkaBroker();

describe.skipIf(!broker)("Kafka EventLog adapter (real broker)", () => {
  describeEventLogContract("kafka", async () => {
    if (!broker) throw new Error("unreachable: the suite is skipped without a broker");
    const log = createKafkaEventLog({
      brokers: broker.brokers,
      clientId: "contract-test",
      // Rejections are part of the contract; their warnings would only be noise here.
      logger: createLogger({ component: "kafka-event-log" }, "error"),
    });
    return {
      log,
      cleanup: async () => {
        await log.close();
        await broker.release();
      },
    };
  });
});
