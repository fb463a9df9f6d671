import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant } from "./primitives.ts";

/**
 * Artist and album changes, written to the outbox by the transaction that
 * makes them (curation, releases). CDC covers catalog.tracks only; without
 * these a rename would reach the search documents of the tracks only at the
 * next full reindex, since those documents carry artist names and album titles.
 */
export const artistUpdatedV1 = defineEvent({
  type: "tunec.catalog.artist-updated.v1",
  name: "ArtistUpdated",
  version: 1,
  topic: "tunec.catalog.artists-albums",
  key: (data) => data.artistId,
  description: "An artist profile was created, edited or merged into another; documents naming it are rebuilt.",
  schema: z.object({
    artistId: entityId,
    name: z.string().min(1).max(300),
    bio: z.string().max(10_000).nullable(),
    imageKey: z.string().max(1024).nullable(),
    mergedInto: entityId.nullable().meta({ description: "Set once the profile was merged: its tracks now belong to this artist." }),
    changed: z.array(z.enum(["created", "name", "bio", "image", "merged"])).min(1),
    updatedAt: instant,
  }),
});

export const albumUpdatedV1 = defineEvent({
  type: "tunec.catalog.album-updated.v1",
  name: "AlbumUpdated",
  version: 1,
  topic: "tunec.catalog.artists-albums",
  key: (data) => data.albumId,
  description: "An album (release) was created, edited, taken down or restored; its tracks' documents are rebuilt.",
  schema: z.object({
    albumId: entityId,
    artistId: entityId,
    title: z.string().min(1).max(500),
    kind: z.enum(["album", "single", "ep", "compilation"]),
    releaseDate: z.iso.date().nullable(),
    coverKey: z.string().max(1024).nullable(),
    status: z.enum(["published", "taken_down"]),
    changed: z.array(z.enum(["created", "title", "kind", "release_date", "cover", "artist", "status", "tracks"])).min(1),
    updatedAt: instant,
  }),
});

/** Told to the applicant (origin/notify mails them): an admin decided their artist application. */
export const artistApplicationDecidedV1 = defineEvent({
  type: "tunec.catalog.artist-application-decided.v1",
  name: "ArtistApplicationDecided",
  version: 1,
  topic: "tunec.catalog.artist-access",
  key: (data) => data.userId,
  description: "An admin approved or rejected a listener's application to become an artist.",
  schema: z.object({
    applicationId: entityId,
    userId: entityId,
    decision: z.enum(["approved", "rejected"]),
    artistId: entityId.nullable().meta({ description: "The profile the applicant now manages; null when rejected." }),
    artistName: z.string().min(1).max(300),
    reason: z.string().max(2000).nullable().meta({ description: "Why it was rejected, as the admin wrote it." }),
    decidedAt: instant,
  }),
});

/** Told to the account (origin/notify mails them): an admin made them a manager of an artist profile. */
export const artistManagerAddedV1 = defineEvent({
  type: "tunec.catalog.artist-manager-added.v1",
  name: "ArtistManagerAdded",
  version: 1,
  topic: "tunec.catalog.artist-access",
  key: (data) => data.userId,
  description: "An account now manages an artist profile (an admin's invitation); it may upload and manage releases for it.",
  schema: z.object({
    artistId: entityId,
    artistName: z.string().min(1).max(300),
    userId: entityId,
    addedAt: instant,
  }),
});
