import { z } from "@hono/zod-openapi";
import type { CuratedTrack } from "./tracks.ts";

export const curationRoles = ["admin", "editor"] as const;

export const trackEditSchema = z
  .object({
    title: z.string().trim().min(1, "must not be empty").max(500, "at most 500 characters").optional(),
    explicit: z.boolean().optional(),
    genres: z.array(z.string().trim().toLowerCase().min(1).max(40, "at most 40 characters")).max(10, "at most 10 genres").optional(),
    language: z.string().regex(/^[a-z]{2,3}$/, "expected an ISO 639 code such as ru, en or zxx").nullable().optional(),
    isrc: z
      .string()
      .transform((value) => value.replaceAll("-", "").toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/, "expected an ISRC such as RU-A1D-24-00001"))
      .nullable()
      .optional(),
  })
  .refine((edit) => Object.values(edit).some((value) => value !== undefined), { message: "name at least one field to change" })
  .openapi("TrackEdit");

export const curatedTrackSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    explicit: z.boolean(),
    genres: z.array(z.string()),
    language: z.string().nullable(),
    isrc: z.string().nullable(),
    status: z.enum(["draft", "published", "taken_down"]),
  })
  .openapi("CuratedTrack");

export function curatedTrackView(track: CuratedTrack): z.infer<typeof curatedTrackSchema> {
  return { ...track };
}
