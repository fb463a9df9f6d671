import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant, streamQuality } from "./primitives.ts";

const play = {
  playId: entityId.meta({ description: "One play of one track; producers deduplicate on it." }),
  userId: entityId,
  trackId: entityId,
  quality: streamQuality,
  deviceId: z.string().min(1).max(200).meta({ description: "The client's device id (stream lease holder)." }),
  premium: z.boolean().meta({ description: "Whether the listener was premium when the play started." }),
};

export const playbackStartedV1 = defineEvent({
  type: "tunec.playback.playback-started.v1",
  name: "PlaybackStarted",
  version: 1,
  topic: "tunec.playback",
  key: (data) => data.userId,
  description: "A stream URL was issued and playback of a track started.",
  schema: z.object({
    ...play,
    startPositionMs: z.int().nonnegative(),
    startedAt: instant,
  }),
});

export const playbackFinishedV1 = defineEvent({
  type: "tunec.playback.playback-finished.v1",
  name: "PlaybackFinished",
  version: 1,
  topic: "tunec.playback",
  key: (data) => data.userId,
  description: "The client reported the end of a play with the position reached.",
  schema: z.object({
    ...play,
    positionMs: z.int().nonnegative().meta({ description: "Position reached when playback ended." }),
    trackDurationMs: z.int().positive(),
    completed: z.boolean().meta({ description: "True when the track was played to (near) its end." }),
    startedAt: instant,
    finishedAt: instant,
  }),
});
