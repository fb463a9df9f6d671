import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant } from "./primitives.ts";

export const userUpdatedV1 = defineEvent({
  type: "tunec.users.user-updated.v1",
  name: "UserUpdated",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A profile or the premium status changed; auth puts the new claims in the next refreshed token.",
  schema: z.object({
    userId: entityId,
    changed: z
      .array(z.enum(["displayName", "avatarUrl", "locale", "isPremium"]))
      .min(1)
      .meta({ description: "Which fields this change touched." }),
    displayName: z.string().min(1).max(200).nullable(),
    avatarUrl: z.url().nullable(),
    locale: z.string().min(2).max(35).meta({ description: "BCP 47 tag, e.g. ru or en." }),
    isPremium: z.boolean(),
    premiumUntil: instant.nullable(),
    updatedAt: instant,
  }),
});

const likedTrack = {
  userId: entityId,
  trackId: entityId,
};

export const trackLikedV1 = defineEvent({
  type: "tunec.users.track-liked.v1",
  name: "TrackLiked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener liked a track (only when the like is new); recommendations learn from it.",
  schema: z.object({ ...likedTrack, likedAt: instant }),
});

export const trackUnlikedV1 = defineEvent({
  type: "tunec.users.track-unliked.v1",
  name: "TrackUnliked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener removed the like of a track (only when there was one).",
  schema: z.object({ ...likedTrack, unlikedAt: instant }),
});

export const playlistTrackAddedV1 = defineEvent({
  type: "tunec.users.playlist-track-added.v1",
  name: "PlaylistTrackAdded",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener added tracks to a playlist (one event per request); recommendations learn from it.",
  schema: z.object({
    userId: entityId.meta({ description: "Who added the tracks (the owner or an editor)." }),
    playlistId: entityId,
    entryIds: z.array(entityId).min(1).max(100).meta({ description: "The new entries, in the order of trackIds." }),
    trackIds: z.array(entityId).min(1).max(100),
    addedAt: instant,
  }),
});
