import { failOpen } from "../../shared/cache/fail-open.ts";
import { openSearchAuth } from "../../shared/config.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { startConsumer } from "../events/consumer.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginService } from "../service.ts";
import { applyAlbumUpdated, applyArtistUpdated, applyTrackDeleted, applyTrackUpdated } from "./apply.ts";
import { invalidateDocuments, searchInvalidation } from "./invalidation.ts";
import { createOpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { registerSync, startOpenSearchPump, type OpenSearchDocument, type OpenSearchPump } from "./opensearch-sync.ts";
import type { IndexKind } from "../../workers/search/opensearch/indices.ts";
import type { ChangedDocument } from "../../workers/search/cache-tags.ts";

const entityKinds = { tracks: "track", albums: "album", artists: "artist" } as const;

/** A shipped OpenSearch document as a changed document of the cache tags (a hidden track or an empty artist or album matches nothing). */
function shippedDocument(kind: IndexKind, document: OpenSearchDocument): ChangedDocument {
  const { names_latin: form, visible, track_count: tracks } = document.source;
  const matches = visible !== false && tracks !== 0 && typeof form === "string";
  return { kind: entityKinds[kind], id: document.id, searchForm: matches ? form : "" };
}

export const indexerGroup = "search-indexer";

/**
 * The catalog topics: TrackPublished (on the uploads topic) makes the catalog
 * store the track, and that insert reaches us as TrackUpdated (op c) through
 * CDC, with the row as the catalog holds it; artist and album changes come
 * from the outbox (ArtistUpdated, AlbumUpdated).
 */
export const indexerTopics = ["tunec.catalog.tracks", "tunec.catalog.artists-albums"];

/** `--service indexer`: catalog changes → the search read model; drops cached searches. */
export const indexerService: OriginService = {
  name: "indexer",
  description:
    "search indexer: TrackUpdated/TrackDeleted/ArtistUpdated/AlbumUpdated → search.* documents (Russian/English full text, transliteration, trigrams); invalidates cached searches",
  async start({ config, db, log }) {
    const backbone = createEventLog(config, db, log);
    const cache = config.REDIS_URL ? failOpen(createRedisCache({ url: config.REDIS_URL }), log) : null;
    if (!cache) log.info("REDIS_URL not set: no search cache to invalidate");
    let pump: OpenSearchPump | undefined;
    // Whichever engine answers searches, its change must be visible before cached pages go:
    // PostgreSQL's at the consumer's commit, OpenSearch's after the pump's shipment.
    // Committed index changes wake the OpenSearch pump (freshness: no poll interval between the commit and the shipment).
    const invalidation = searchInvalidation(config.SEARCH_ENGINE === "postgres" ? cache : null, db, log, { afterCommit: () => pump?.wake() });
    try {
      if (config.OPENSEARCH_URL) {
        // OpenSearch gets every document change whenever it is configured, whichever engine answers searches.
        const client = createOpenSearchClient({
          url: config.OPENSEARCH_URL,
          timeoutMs: Math.max(config.OPENSEARCH_TIMEOUT_MS, 10_000),
          auth: openSearchAuth(config),
        });
        await registerSync(db, "indexer");
        pump = startOpenSearchPump(db, client, {
          prefix: config.OPENSEARCH_INDEX_PREFIX,
          log,
          // Pages cached from OpenSearch before a shipment are stale after it (only when OpenSearch answers searches).
          afterShip:
            config.SEARCH_ENGINE === "opensearch" && cache
              ? (shipped) =>
                  invalidateDocuments(
                    cache,
                    shipped.map(({ kind, document, previousForm }) => ({ ...shippedDocument(kind, document), previousForm })),
                    log,
                  )
              : undefined,
        });
        log.info("shipping search documents to OpenSearch", { url: config.OPENSEARCH_URL, prefix: config.OPENSEARCH_INDEX_PREFIX });
      }
      const consumer = await startConsumer({
        log: invalidation.wrap(backbone.log),
        db,
        group: indexerGroup,
        topics: indexerTopics,
        logger: log,
        retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 },
        handlers: {
          async "tunec.catalog.track-updated.v1"(event, trx, context) {
            const change = await applyTrackUpdated(trx, event.data);
            if (change) invalidation.changed(context.record, change);
          },
          async "tunec.catalog.track-deleted.v1"(event, trx, context) {
            const change = await applyTrackDeleted(trx, event.data);
            if (change) invalidation.changed(context.record, change);
          },
          async "tunec.catalog.artist-updated.v1"(event, trx, context) {
            const change = await applyArtistUpdated(trx, event.data);
            if (change) invalidation.changed(context.record, change);
          },
          async "tunec.catalog.album-updated.v1"(event, trx, context) {
            const change = await applyAlbumUpdated(trx, event.data);
            if (change) invalidation.changed(context.record, change);
          },
        },
      });
      return {
        async stop() {
          await consumer.stop();
          await pump?.stop();
          await backbone.log.close();
          await cache?.close();
        },
      };
    } catch (error) {
      await pump?.stop();
      await backbone.log.close();
      await cache?.close();
      throw error;
    }
  },
};
