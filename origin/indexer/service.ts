import { failOpen } from "../../shared/cache/fail-open.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { startConsumer } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginService } from "../service.ts";
import { applyTrackDeleted, applyTrackUpdated } from "./apply.ts";
import { searchInvalidation } from "./invalidation.ts";

export const indexerGroup = "search-indexer";

/**
 * Only the catalog topic: TrackPublished (on the uploads topic) makes the
 * catalog store the track, and that insert reaches us as TrackUpdated (op c)
 * through CDC, with the row as the catalog holds it.
 */
export const indexerTopics = ["tunec.catalog.tracks"];

/** `--service indexer`: catalog changes → the search read model; drops cached searches. */
export const indexerService: OriginService = {
  name: "indexer",
  description: "search indexer: TrackUpdated/TrackDeleted → search.* documents (Russian/English full text, transliteration, trigrams); invalidates cached searches",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    const cache = config.REDIS_URL ? failOpen(createRedisCache({ url: config.REDIS_URL }), log) : null;
    if (!cache) log.info("REDIS_URL not set: no search cache to invalidate");
    const invalidation = searchInvalidation(cache, log);
    try {
      const consumer = await startConsumer({
        log: invalidation.wrap(backbone.log),
        db,
        group: indexerGroup,
        topics: indexerTopics,
        logger: log,
        retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
        handlers: {
          async "tunec.catalog.track-updated.v1"(event, trx, context) {
            if (await applyTrackUpdated(trx, event.data)) invalidation.changed(context.record);
          },
          async "tunec.catalog.track-deleted.v1"(event, trx, context) {
            if (await applyTrackDeleted(trx, event.data)) invalidation.changed(context.record);
          },
        },
      });
      return {
        async stop() {
          await consumer.stop();
          await backbone.log.close();
          await cache?.close();
        },
      };
    } catch (error) {
      await backbone.log.close();
      await cache?.close();
      throw error;
    }
  },
};
