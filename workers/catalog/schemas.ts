import { z } from "@hono/zod-openapi";
import { mediaUrl } from "./media.ts";
import type { TrackRecord } from "./repository.ts";

export const problemContent = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
} as const;

export const idParam = (what: string) =>
  z.object({
    id: z.uuid({ error: `expected a ${what} id (uuid)` }).openapi({ param: { name: "id", in: "path" }, example: "0b9f5c1e-6a5e-4a57-9a35-2f0d3b6f4c11" }),
  });

export const cursorSchema = z.string().min(1).max(2000).optional().openapi({ description: "Opaque: the `next_cursor` of the previous page." });

export const limitSchema = z.coerce
  .number({ error: "expected an integer from 1 to 100" })
  .int("expected an integer from 1 to 100")
  .min(1, "expected an integer from 1 to 100")
  .max(100, "expected an integer from 1 to 100")
  .default(20)
  .openapi({ description: "Items per page, 1–100 (default 20).", example: 20 });

const creditSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(["main", "featured", "remixer", "producer"]),
});

export const trackSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    artists: z.array(creditSchema).openapi({ description: "Main artist first, then the credited ones in display order." }),
    album: z.object({ id: z.uuid(), title: z.string() }).nullable(),
    position: z.number().int().nullable().openapi({ description: "Track number on the album." }),
    duration_ms: z.number().int(),
    explicit: z.boolean(),
    genres: z.array(z.string()),
    language: z.string().nullable().openapi({ description: "ISO 639 code of the lyrics; zxx = none." }),
    isrc: z.string().nullable(),
    cover_url: z.string().nullable().openapi({ description: "The album cover, if any." }),
    published_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Track");

export type TrackBody = z.infer<typeof trackSchema>;

export function toTrack(record: TrackRecord, mediaBaseUrl: string | undefined): TrackBody {
  return {
    id: record.id,
    title: record.title,
    artists: (record.artists ?? []).map((artist) => ({ ...artist, role: creditSchema.shape.role.catch("featured").parse(artist.role) })),
    album: record.album_id && record.album_title ? { id: record.album_id, title: record.album_title } : null,
    position: record.position,
    duration_ms: record.duration_ms,
    explicit: record.explicit,
    genres: record.genres,
    language: record.language,
    isrc: record.isrc,
    cover_url: mediaUrl(mediaBaseUrl, record.cover_key),
    published_at: record.published_at,
  };
}
