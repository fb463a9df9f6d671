import { z } from "@hono/zod-openapi";
import { uploadRejectionCodes } from "../../shared/events/ingestion-events.ts";
import { acceptedContentTypes } from "../../shared/storage/audio-formats.ts";

export { bearerSecurity, problemContent } from "../auth/schemas.ts";

export const uploadIdParam = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" }, example: "0b6a3f4e-8a4c-4f0e-9d55-2f1c9a3b7e10" }) });

export const createUploadBody = z
  .object({
    title: z.string().trim().min(1).max(500).openapi({ example: "Группа крови" }),
    content_type: z
      .string()
      .min(1)
      .max(100)
      .openapi({ description: `Declared type of the file: ${acceptedContentTypes.join(", ")}.`, example: "audio/flac" }),
    size_bytes: z.int().min(1, "the file is empty (0 bytes)").openapi({ description: "Exact size of the file; at most 500 MiB.", example: 31_457_280 }),
    filename: z.string().trim().min(1).max(255).optional(),
    artist_id: z.uuid().optional().openapi({
      description: "The artist profile the track is for: one the caller manages. Optional when the caller manages exactly one, or names a release_id.",
    }),
    release_id: z.uuid().optional().openapi({ description: "A release of that artist profile (POST /me/releases); the track is published into it." }),
    album_id: z.uuid().optional().openapi({ description: "Deprecated: the old name of release_id.", deprecated: true }),
    position: z
      .int()
      .min(1)
      .max(999)
      .optional()
      .openapi({ description: "Track number on the release; without it the track lands after the release's last track when it is published." }),
    explicit: z.boolean().default(false),
    genres: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, "expected an ISO 639 code such as ru or en")
      .optional(),
    isrc: z
      .string()
      .transform((value) => value.replaceAll("-", "").toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}\d{7}$/, "expected an ISRC such as RU-A1D-23-00001"))
      .optional(),
    featured_artist_ids: z.array(z.uuid()).max(10).default([]),
  })
  .refine((body) => body.release_id === undefined || body.album_id === undefined || body.release_id === body.album_id, {
    path: ["album_id"],
    message: "album_id is the old name of release_id; send release_id alone",
  })
  .refine((body) => body.position === undefined || (body.release_id ?? body.album_id) !== undefined, {
    path: ["position"],
    message: "a position needs a release_id",
  })
  .openapi("UploadRequest");

const instructions = z
  .union([
    z.object({
      method: z.literal("PUT"),
      url: z.string().openapi({ description: "Send the file's bytes here with PUT, before expires_at." }),
      headers: z.record(z.string(), z.string()).openapi({ description: "Headers the PUT must carry exactly (content-type)." }),
    }),
    z.object({
      method: z.literal("MULTIPART"),
      part_size: z.int(),
      parts: z.array(z.object({ part_number: z.int(), url: z.string(), size: z.int() })).openapi({ description: "PUT each part; keep each response's ETag." }),
    }),
  ])
  .openapi("UploadInstructions");

export const rejectionSchema = z
  .object({ code: z.enum(uploadRejectionCodes), message: z.string() })
  .nullable()
  .openapi({ description: "Why the upload was refused, in words an artist can act on." });

export const uploadStatusSchema = z
  .object({
    upload_id: z.uuid(),
    track_id: z.uuid().openapi({ description: "The catalog id the track gets when it is published." }),
    status: z.enum(["awaiting_upload", "uploaded", "validated", "publishing", "published", "rejected"]).openapi({
      description: "publishing: transcoded, the catalog has not stored the track yet; published: GET /tracks/{track_id} answers.",
    }),
    artist_id: z.uuid(),
    release_id: z.uuid().nullable(),
    position: z.int().nullable(),
    title: z.string(),
    declared_content_type: z.string(),
    declared_size_bytes: z.int(),
    size_bytes: z.int().nullable(),
    detected_format: z.string().nullable(),
    duration_ms: z.int().nullable(),
    loudness_lufs: z.number().nullable(),
    rejection: rejectionSchema,
    url_expires_at: z.string().openapi({ format: "date-time" }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
    published_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("UploadStatus");

export const createdUploadSchema = z
  .object({
    upload_id: z.uuid(),
    track_id: z.uuid(),
    status: z.literal("awaiting_upload"),
    expires_at: z.string().openapi({ format: "date-time" }),
    upload: instructions,
    complete_url: z.string().openapi({ example: "/uploads/0b6a3f4e-8a4c-4f0e-9d55-2f1c9a3b7e10/complete" }),
  })
  .openapi("CreatedUpload");

export const resumedUploadSchema = z
  .object({
    upload_id: z.uuid(),
    expires_at: z.string().openapi({ format: "date-time" }),
    upload: instructions,
    uploaded_parts: z
      .array(z.object({ part_number: z.int(), size: z.int(), etag: z.string() }))
      .openapi({ description: "Multipart: the parts the bucket already holds, with the ETags to complete with; send only the others." }),
  })
  .openapi("ResumedUpload");

export const completeBody = z
  .object({
    parts: z
      .array(z.object({ part_number: z.int().min(1).max(10_000), etag: z.string().min(1).max(200) }))
      .min(1)
      .max(10_000)
      .optional()
      .openapi({ description: "Multipart uploads only: every part's number and the ETag its PUT returned." }),
  })
  .openapi("UploadCompletion");
