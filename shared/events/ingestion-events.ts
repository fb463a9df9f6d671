import { z } from "zod";
import { defineEvent } from "./definition.ts";
import { entityId, instant, reasonOf, streamQuality } from "./primitives.ts";

const rendition = z.object({
  quality: streamQuality,
  objectKey: z.string().min(1).meta({ description: "Key of the rendition in the media bucket." }),
  codec: z.enum(["mp3", "aac", "opus", "vorbis", "flac"]),
  mimeType: z.string().min(1),
  bitrateKbps: z.int().positive(),
  sizeBytes: z.int().nonnegative(),
});

export const trackPublishedV1 = defineEvent({
  type: "tunec.ingestion.track-published.v1",
  name: "TrackPublished",
  version: 1,
  topic: "tunec.ingestion.uploads",
  key: (data) => data.uploadId,
  description: "An upload passed validation and was transcoded; the catalog stores the track.",
  schema: z.object({
    uploadId: entityId,
    trackId: entityId.meta({ description: "Reserved when the upload was created." }),
    artistId: entityId.meta({ description: "Main artist (the uploader's artist profile)." }),
    uploadedBy: entityId.meta({ description: "User id of the uploading artist account." }),
    title: z.string().min(1).max(500),
    featuredArtistIds: z.array(entityId),
    albumId: entityId.nullable(),
    position: z.int().positive().nullable().meta({ description: "Track number on the album." }),
    durationMs: z.int().positive(),
    explicit: z.boolean(),
    genres: z.array(z.string().min(1)),
    language: z.string().min(2).max(35).nullable().meta({ description: "BCP 47 tag of the lyrics, e.g. ru, en." }),
    isrc: z
      .string()
      .regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/)
      .nullable(),
    loudnessLufs: z.number().meta({ description: "EBU R128 integrated loudness of the source, for normalisation." }),
    coverObjectKey: z.string().min(1).nullable(),
    renditions: z.array(rendition).min(1),
    publishedAt: instant,
  }),
});

export const uploadRejectionCodes = [
  "empty_file",
  "truncated",
  "unsupported_format",
  "content_type_mismatch",
  "too_short",
  "too_long",
  "too_large",
  "url_expired",
  "transcode_failed",
] as const;

export const uploadRejectedV1 = defineEvent({
  type: "tunec.ingestion.upload-rejected.v1",
  name: "UploadRejected",
  version: 1,
  topic: "tunec.ingestion.uploads",
  key: (data) => data.uploadId,
  description: "An upload failed validation or transcoding; the reason is shown to the artist.",
  schema: z.object({
    uploadId: entityId,
    trackId: entityId.nullable(),
    artistId: entityId,
    uploadedBy: entityId,
    reason: reasonOf(uploadRejectionCodes),
    declaredContentType: z.string().nullable(),
    detectedFormat: z.string().nullable().meta({ description: "Container/codec the probe found, if any." }),
    sizeBytes: z.int().nonnegative().nullable(),
    durationMs: z.int().nonnegative().nullable(),
    rejectedAt: instant,
  }),
});
