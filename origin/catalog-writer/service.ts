import { startConsumer } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginService } from "../service.ts";
import { applyTrackPublished, catalogWriterGroup, catalogWriterTopics } from "./track-published.ts";

/** `--service catalog-writer`: TrackPublished → catalog.tracks, track_artists, renditions. */
export const catalogWriterService: OriginService = {
  name: "catalog-writer",
  description: "catalog writer: stores published tracks (TrackPublished → catalog tracks, credits, renditions)",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    try {
      const consumer = await startConsumer({
        log: backbone.log,
        db,
        group: catalogWriterGroup,
        topics: catalogWriterTopics,
        logger: log,
        retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
        handlers: { "tunec.ingestion.track-published.v1": applyTrackPublished },
      });
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
