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

const likedAlbum = {
  userId: entityId,
  albumId: entityId,
};

export const albumLikedV1 = defineEvent({
  type: "tunec.users.album-liked.v1",
  name: "AlbumLiked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener liked an album (only when the like is new); recommendations count it for the album's tracks.",
  schema: z.object({ ...likedAlbum, likedAt: instant }),
});

export const albumUnlikedV1 = defineEvent({
  type: "tunec.users.album-unliked.v1",
  name: "AlbumUnliked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener removed the like of an album (only when there was one).",
  schema: z.object({ ...likedAlbum, unlikedAt: instant }),
});

const likedArtist = {
  userId: entityId,
  artistId: entityId,
};

export const artistLikedV1 = defineEvent({
  type: "tunec.users.artist-liked.v1",
  name: "ArtistLiked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener liked an artist (only when the like is new); recommendations count it for the artist's tracks.",
  schema: z.object({ ...likedArtist, likedAt: instant }),
});

export const artistUnlikedV1 = defineEvent({
  type: "tunec.users.artist-unliked.v1",
  name: "ArtistUnliked",
  version: 1,
  topic: "tunec.users",
  key: (data) => data.userId,
  description: "A listener removed the like of an artist (only when there was one).",
  schema: z.object({ ...likedArtist, unlikedAt: instant }),
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
