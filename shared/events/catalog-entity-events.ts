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
