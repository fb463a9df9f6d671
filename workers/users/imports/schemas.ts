import { z } from "@hono/zod-openapi";
import { parseImportLink } from "../domain/imports/links.ts";

export const importProviders = ["yandex", "vk"] as const;
export const providerSchema = z.enum(importProviders, { error: "expected yandex or vk" });

/** Largest export file taken (a 10,000-track playlist saved as the provider's JSON is ~3 MiB; text lines far less). */
export const maxImportFileBytes = 4 * 1024 * 1024;

const linkHelp = "expected a public playlist link: https://music.yandex.ru/users/<login>/playlists/<kind> or https://vk.com/music/playlist/<owner>_<id>_<key>";

export const createFromLinkSchema = z
  .object({
    link: z
      .string()
      .max(2048, linkHelp)
      .refine((link) => parseImportLink(link) !== null, linkHelp)
      .openapi({ example: "https://music.yandex.ru/users/music-blog/playlists/1001" }),
    provider: providerSchema.optional().openapi({ description: "Optional; must agree with the link." }),
  })
  .strict()
  .superRefine((body, context) => {
    const link = parseImportLink(body.link);
    if (link && body.provider && body.provider !== link.provider) {
      context.addIssue({ code: "custom", path: ["provider"], message: `the link is a ${link.provider} link` });
    }
  })
  .openapi("CreateImportFromLink");

export const createFromFileSchema = z
  .object({
    provider: providerSchema,
    file: z
      .custom<File>((value) => typeof File !== "undefined" && value instanceof File, { error: "expected a file (multipart field file)" })
      .openapi({
        type: "string",
        format: "binary",
        description: 'Yandex Music playlist JSON, VK audio.get JSON, or UTF-8 text with one "Artist - Title" per line.',
      }),
  })
  .openapi("CreateImportFromFile");

const entrySchema = z
  .object({
    position: z.int().openapi({ description: "Order in the source, from 0." }),
    artist: z.string(),
    title: z.string(),
    external_id: z.string().nullable().openapi({ description: "The provider's id of the track." }),
    status: z.enum(["pending", "matched", "unmatched"]),
    track_id: z.uuid().nullable(),
    track_title: z.string().nullable(),
    score: z.number().nullable().openapi({
      description:
        "0–1 score of the best catalog candidate: 0.6 × title + 0.4 × artist edit-distance ratios; matched when the title ratio is ≥ 0.85 and the artist ratio ≥ 0.8.",
    }),
    added: z.boolean().openapi({ description: "This import liked the track (false when it was liked already)." }),
  })
  .openapi("ImportEntry");

export const importSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(["queued", "reading", "matching", "completed", "failed"]),
    provider: providerSchema,
    source: z.object({ kind: z.enum(["link", "file"]), link: z.string().nullable(), file_name: z.string().nullable() }),
    progress: z.object({
      total: z.int().nullable().openapi({ description: "Entries in the source; null until it has been read." }),
      processed: z.int(),
      percent: z.number().nullable(),
    }),
    matched: z.int(),
    unmatched: z.int(),
    added: z.int().openapi({ description: "Tracks newly liked by this import; 0 when re-importing the same source." }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
    finished_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("Import");

export const importWithEntriesSchema = importSchema
  .extend({
    entries: z.array(entrySchema).openapi({ description: "One page of entries in source order, filtered by ?status." }),
    next_cursor: z.string().nullable().openapi({ description: "Opaque; null on the last page." }),
  })
  .openapi("ImportWithEntries");

export type ImportView = z.infer<typeof importSchema>;
