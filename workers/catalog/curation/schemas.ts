import { z } from "@hono/zod-openapi";
import { creditRoles, type CuratedTrack } from "./tracks.ts";

const creditSchema = z.object({
  artist_id: z.uuid(),
  role: z.enum(creditRoles).openapi({ description: "main, featured, remixer or producer" }),
});

export const curationRoles = ["admin", "editor"] as const;

export const trackEditSchema = z
  .object({
    title: z.string().trim().min(1, "must not be empty").max(500, "at most 500 characters").optional(),
    explicit: z.boolean().optional(),
    genres: z.array(z.string().trim().toLowerCase().min(1).max(40, "at most 40 characters")).max(10, "at most 10 genres").optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/, "expected an ISO 639 code such as ru, en or zxx")
      .nullable()
      .optional(),
    isrc: z
      .string()
      .transform((value) => value.replaceAll("-", "").toUpperCase())
      .pipe(z.string().regex(/^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/, "expected an ISRC such as RU-A1D-24-00001"))
      .nullable()
      .optional(),
    artists: z
      .array(creditSchema)
      .min(1, "a track needs its main artist")
      .max(20, "at most 20 credits")
      .refine((credits) => credits[0]?.role === "main", { message: "the first credit is the main artist: role main" })
      .refine((credits) => new Set(credits.map((credit) => `${credit.artist_id}/${credit.role}`)).size === credits.length, {
        message: "an artist appears once per role",
      })
      .optional()
      .openapi({ description: "Every credited artist in display order, replacing the current credits; the first (role main) is the track's main artist." }),
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
    artists: z.array(creditSchema.extend({ name: z.string() })),
  })
  .openapi("CuratedTrack");

export function curatedTrackView(track: CuratedTrack): z.infer<typeof curatedTrackSchema> {
  return { ...track };
}
