import { consumerService } from "../events/consumer-service.ts";
import { applyPlaybackStarted, trackStatsGroup, trackStatsTopics } from "./playback-started.ts";

/** `--service track-stats`: PlaybackStarted → catalog.track_stats (plays, decayed popularity). */
export const trackStatsService = consumerService({
  name: "track-stats",
  description: "track stats: counts plays and a decayed popularity per track from PlaybackStarted",
  group: trackStatsGroup,
  topics: trackStatsTopics,
  handlers: { "tunec.playback.playback-started.v1": applyPlaybackStarted },
});
