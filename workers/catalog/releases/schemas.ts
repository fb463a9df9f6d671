import { z } from "@hono/zod-openapi";
import { mediaUrl } from "../media.ts";
import type { ReleaseRecord, ReleaseTrack } from "./releases.ts";

export const releaseTypes = ["album", "ep", "single"] as const;

const title = z.string().trim().min(1, "must not be empty").max(500, "at most 500 characters");
const releaseType = z.enum(releaseTypes, { error: "expected album, ep or single" });
const releaseDate = z.iso.date({ error: "expected a date such as 2024-05-01" }).openapi({ format: "date", example: "2024-05-01" });
const genres = z.array(z.string().trim().toLowerCase().min(1).max(40, "at most 40 characters")).max(10, "at most 10 genres");

export const releaseInputSchema = z
  .object({
    artist_id: z.uuid().openapi({ description: "The artist profile the release belongs to: one the caller manages (GET /me/releases lists them by profile)." }),
    title,
    type: releaseType,
    release_date: releaseDate.nullable().optional(),
    genres: genres.default([]),
  })
  .openapi("ReleaseInput");

export const releaseEditSchema = z
  .object({
    title: title.optional(),
    type: releaseType.optional(),
    release_date: releaseDate.nullable().optional(),
    genres: genres.optional(),
    cover: z.null().optional().openapi({ description: "null removes the cover; a new one goes to PUT /me/releases/{id}/cover." }),
  })
  .refine((edit) => Object.values(edit).some((value) => value !== undefined), { message: "name at least one field to change" })
  .openapi("ReleaseEdit");

export const trackOrderSchema = z
  .object({
    track_ids: z.array(z.uuid()).max(500).openapi({ description: "Every track of the release once, in the new order: they become positions 1, 2, …" }),
  })
  .openapi("TrackOrder");

const releaseFields = {
  id: z.uuid(),
  artist: z.object({ id: z.uuid(), name: z.string() }),
  title: z.string(),
  type: z.enum(["album", "ep", "single", "compilation"]),
  release_date: z.string().nullable().openapi({ format: "date" }),
  cover_url: z.string().nullable(),
  genres: z.array(z.string()),
  track_count: z.int(),
  created_at: z.string().openapi({ format: "date-time" }),
  updated_at: z.string().openapi({ format: "date-time" }),
};

export const releaseSummarySchema = z.object(releaseFields).openapi("ReleaseSummary");

export const releaseSchema = z
  .object({
    ...releaseFields,
    tracks: z
      .array(
        z.object({
          id: z.uuid(),
          title: z.string(),
          position: z.int().nullable(),
          status: z.enum(["draft", "published", "taken_down"]),
          duration_ms: z.int(),
        }),
      )
      .openapi({ description: "Every track of the release in order, whatever its status." }),
  })
  .openapi("Release");

export const releaseListSchema = z.object({ items: z.array(releaseSummarySchema), next_cursor: z.string().nullable() }).openapi("ReleaseList");

export function releaseSummaryView(release: ReleaseRecord, mediaBaseUrl: string | undefined): z.infer<typeof releaseSummarySchema> {
  return {
    id: release.id,
    artist: { id: release.artist_id, name: release.artist_name },
    title: release.title,
    type: release.kind,
    release_date: release.release_date,
    cover_url: mediaUrl(mediaBaseUrl, release.cover_key),
    genres: release.genres,
    track_count: release.track_count,
    created_at: release.created_at,
    updated_at: release.updated_at,
  };
}

export function releaseView(found: { release: ReleaseRecord; tracks: ReleaseTrack[] }, mediaBaseUrl: string | undefined): z.infer<typeof releaseSchema> {
  return { ...releaseSummaryView(found.release, mediaBaseUrl), tracks: found.tracks };
}
