import { consumerService } from "../events/consumer-service.ts";
import { applyTrackPublished, catalogWriterGroup, catalogWriterTopics } from "./track-published.ts";

/** `--service catalog-writer`: TrackPublished → catalog.tracks, track_artists, renditions. */
export const catalogWriterService = consumerService({
  name: "catalog-writer",
  description: "catalog writer: stores published tracks (TrackPublished → catalog tracks, credits, renditions)",
  group: catalogWriterGroup,
  topics: catalogWriterTopics,
  handlers: { "tunec.ingestion.track-published.v1": applyTrackPublished },
});
