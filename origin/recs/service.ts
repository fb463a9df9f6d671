import { consumerService } from "../events/consumer-service.ts";
import type { OriginService } from "../service.ts";
import { recsGroup, recsBatchHandlers, recsTopics } from "./consumer/signals.ts";
import { startRecsJobs } from "./consumer/jobs.ts";

const consumer = consumerService({
  name: "recs",
  description: "recommendations: plays, skips, likes and playlist adds → recs.interactions (exactly once), and the periodic model hook",
  group: recsGroup,
  topics: recsTopics,
  handlers: {},
  batchHandlers: recsBatchHandlers,
});

/** `--service recs`: the signals consumer and the periodic training hook. */
export const recsService: OriginService = {
  name: consumer.name,
  description: consumer.description,
  async start(context) {
    const running = await consumer.start(context);
    const jobs = startRecsJobs(context.db, context.log);
    return {
      async stop() {
        await jobs.stop();
        await running.stop();
      },
    };
  },
};
