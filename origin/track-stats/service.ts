import { consumerService } from "../events/consumer-service.ts";
import type { OriginService } from "../service.ts";
import { startDecaySweep } from "./decay.ts";
import { applyPlaybackFinished, applyPlaybackStarted, trackStatsGroup, trackStatsTopics } from "./plays.ts";

const consumer = consumerService({
  name: "track-stats",
  description:
    "track stats: counts listened plays (PlaybackFinished, capped per listener and day), a decayed popularity per track, and daily starts/plays/listeners/completions for the artist's plots",
  group: trackStatsGroup,
  topics: trackStatsTopics,
  handlers: { "tunec.playback.playback-finished.v1": applyPlaybackFinished },
  batchHandlers: { "tunec.playback.playback-started.v1": applyPlaybackStarted },
});

const decayIntervalMs = 15 * 60_000;

/** `--service track-stats`: listened plays (PlaybackFinished) → catalog.track_stats (plays, decayed popularity), and the decay sweep. */
export const trackStatsService: OriginService = {
  name: consumer.name,
  description: consumer.description,
  async start(context) {
    const running = await consumer.start(context);
    const sweep = startDecaySweep(context.db, context.log, decayIntervalMs);
    return {
      async stop() {
        await sweep.stop();
        await running.stop();
      },
    };
  },
};
