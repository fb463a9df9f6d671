import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { etagOf } from "../domain/playlists/etag.ts";
import type { EntryRecord, PlaylistRecord } from "../domain/playlists/repository.ts";

export const nameSchema = z.string().trim().min(1, "expected 1–200 characters").max(200, "expected 1–200 characters").openapi({ example: "Дорога на дачу" });
export const descriptionSchema = z.string().max(2000, "expected at most 2000 characters").nullable();
export const visibilitySchema = z.enum(["private", "public"], { error: "expected private or public" });

export const ifMatchHeaders = z.object({
  "if-match": z
    .string()
    .optional()
    .openapi({ description: 'The playlist\'s ETag as last read, e.g. "3". Required: 428 without it, 412 when the playlist has changed since.' }),
});

export const playlistSchema = z
  .object({
    id: z.uuid(),
    owner_id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    visibility: visibilitySchema,
    collaborative: z.boolean().openapi({ description: "True when the owner has invited editors." }),
    editors: z.array(z.uuid()),
    track_count: z.number().int(),
    follower_count: z.number().int(),
    version: z.number().int().openapi({ description: "Also sent as the ETag." }),
    role: z.enum(["owner", "editor", "viewer", "follower"]).openapi({ description: "The caller's relation to the playlist." }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Playlist");

export const entrySchema = z
  .object({ entry_id: z.uuid(), track_id: z.uuid(), added_by: z.uuid(), added_at: z.string().openapi({ format: "date-time" }) })
  .openapi("PlaylistEntry");

export const listedEntrySchema = entrySchema
  .extend({
    track: z
      .object({ title: z.string(), duration_ms: z.number().int(), artist: z.object({ id: z.uuid(), name: z.string() }) })
      .nullable()
      .openapi({ description: "Null when the track is no longer published; the entry stays." }),
  })
  .openapi("PlaylistTrack");

export function toListedEntry(record: EntryRecord): z.infer<typeof listedEntrySchema> {
  const { entry_id, track_id, added_by, added_at, title, duration_ms, artist_id, artist_name } = record;
  const track =
    title !== null && duration_ms !== null && artist_id !== null && artist_name !== null
      ? { title, duration_ms, artist: { id: artist_id, name: artist_name } }
      : null;
  return { entry_id, track_id, added_by, added_at, track };
}

export type PlaylistBody = z.infer<typeof playlistSchema>;

export function toPlaylist(record: PlaylistRecord, role: PlaylistBody["role"]): PlaylistBody {
  return {
    id: record.id,
    owner_id: record.owner_id,
    name: record.name,
    description: record.description,
    visibility: record.visibility,
    collaborative: record.editors.length > 0,
    editors: record.editors,
    track_count: record.track_count,
    follower_count: record.follower_count,
    version: Number(record.version),
    role,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}

/** ETag and no caching: a response that carries a version must not be served stale. */
export function versionHeaders(c: Context<GatewayEnv>, record: PlaylistRecord): void {
  c.header("etag", etagOf(record.version));
  c.header("cache-control", "private, no-cache");
}
