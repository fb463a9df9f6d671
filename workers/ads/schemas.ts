import { z } from "@hono/zod-openapi";

export { bearerSecurity, problemContent } from "../auth/schemas.ts";

export const idParam = (what: string) =>
  z.object({
    id: z.uuid({ error: `expected a ${what} id (uuid)` }).openapi({ param: { name: "id", in: "path" }, example: "5d1e7c8a-0f4b-4c57-9b1a-3e2f6a7d8c90" }),
  });

const genre = z.string().trim().min(1).max(50).toLowerCase();
const language = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2,3}$/, "expected an ISO 639 code such as ru or en");
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http(s) URL" }).max(2000);
const instant = z.iso.datetime({ offset: true, error: "expected an RFC 3339 date-time such as 2026-12-01T00:00:00Z" });

const campaignFields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "Зимняя распродажа наушников" }),
  advertiser: z.string().trim().min(1).max(200).openapi({ example: "Звук и Ко" }),
  status: z.enum(["active", "paused"]).openapi({ description: "Paused campaigns are never served." }),
  starts_at: instant.openapi({ description: "Served from this instant (default: now)." }),
  ends_at: instant.nullable().openapi({ description: "Served until this instant; null = open-ended." }),
  priority: z.int().min(0).max(100).openapi({ description: "0–100; a higher priority is always served first (default 0)." }),
  weight: z.int().min(1).max(1000).openapi({ description: "Share of traffic among campaigns of one priority (default 1)." }),
  hourly_cap: z.int().min(1).max(60).openapi({ description: "At most this many impressions per listener in any hour (default 4)." }),
  genres: z
    .array(genre)
    .max(20)
    .openapi({ description: "Served only while one of these genres plays; empty = any.", example: ["rock", "post-punk"] }),
  languages: z
    .array(language)
    .max(20)
    .openapi({ description: "Served only to listeners of these languages (ISO 639); empty = any.", example: ["ru"] }),
};

function startsBeforeEnd(body: { starts_at?: string | undefined; ends_at?: string | null | undefined }): boolean {
  return !body.starts_at || !body.ends_at || Date.parse(body.ends_at) > Date.parse(body.starts_at);
}

export const createCampaignBody = z
  .object({
    name: campaignFields.name,
    advertiser: campaignFields.advertiser,
    status: campaignFields.status.default("active"),
    starts_at: campaignFields.starts_at.optional(),
    ends_at: campaignFields.ends_at.optional(),
    priority: campaignFields.priority.default(0),
    weight: campaignFields.weight.default(1),
    hourly_cap: campaignFields.hourly_cap.default(4),
    genres: campaignFields.genres.default([]),
    languages: campaignFields.languages.default([]),
  })
  .strict()
  .refine(startsBeforeEnd, { path: ["ends_at"], message: "ends_at must be after starts_at" })
  .openapi("AdCampaignRequest");

export const updateCampaignBody = z
  .object({
    name: campaignFields.name.optional(),
    advertiser: campaignFields.advertiser.optional(),
    status: campaignFields.status.optional(),
    starts_at: campaignFields.starts_at.optional(),
    ends_at: campaignFields.ends_at.optional(),
    priority: campaignFields.priority.optional(),
    weight: campaignFields.weight.optional(),
    hourly_cap: campaignFields.hourly_cap.optional(),
    genres: campaignFields.genres.optional(),
    languages: campaignFields.languages.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "expected at least one field to change" })
  .refine(startsBeforeEnd, { path: ["ends_at"], message: "ends_at must be after starts_at" })
  .openapi("AdCampaignUpdate");

const creativeFields = {
  name: z.string().trim().min(1).max(200).openapi({ example: "30 секунд, зимний" }),
  status: z.enum(["active", "paused"]),
  audio_key: z
    .string()
    .regex(/^ads\/[A-Za-z0-9._/-]+$/, "expected an object key under ads/ in the media bucket")
    .refine((key) => !key.includes(".."), "expected an object key without ..")
    .max(500)
    .openapi({ description: "The spot's audio in the media bucket (see POST /admin/ads/audio).", example: "ads/audio/0b9f5c1e.m4a" }),
  duration_ms: z.int().min(1000).max(120_000).openapi({ description: "Length of the spot, 1–120 s.", example: 15_000 }),
  image_url: httpUrl.nullable().openapi({ description: "Banner shown while the spot plays." }),
  click_url: httpUrl.nullable().openapi({ description: "Where a tap on the banner goes." }),
  weight: z.int().min(1).max(1000).openapi({ description: "Share among the campaign's creatives (default 1)." }),
};

export const createCreativeBody = z
  .object({
    name: creativeFields.name,
    status: creativeFields.status.default("active"),
    audio_key: creativeFields.audio_key,
    duration_ms: creativeFields.duration_ms,
    image_url: creativeFields.image_url.default(null),
    click_url: creativeFields.click_url.default(null),
    weight: creativeFields.weight.default(1),
  })
  .strict()
  .openapi("AdCreativeRequest");

export const updateCreativeBody = z
  .object({
    name: creativeFields.name.optional(),
    status: creativeFields.status.optional(),
    image_url: creativeFields.image_url.optional(),
    click_url: creativeFields.click_url.optional(),
    weight: creativeFields.weight.optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "expected at least one field to change" })
  .openapi("AdCreativeUpdate");

export const creativeSchema = z
  .object({
    id: z.uuid(),
    campaign_id: z.uuid(),
    name: z.string(),
    status: z.enum(["active", "paused"]),
    audio_key: z.string(),
    audio_content_type: z.string(),
    duration_ms: z.int(),
    image_url: z.string().nullable(),
    click_url: z.string().nullable(),
    weight: z.int(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("AdCreative");

export const campaignSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    advertiser: z.string(),
    status: z.enum(["active", "paused"]),
    starts_at: z.string().openapi({ format: "date-time" }),
    ends_at: z.string().nullable().openapi({ format: "date-time" }),
    priority: z.int(),
    weight: z.int(),
    hourly_cap: z.int(),
    genres: z.array(z.string()),
    languages: z.array(z.string()),
    created_by: z.uuid(),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
    creatives: z.array(creativeSchema),
    impressions: z.object({ served: z.int(), played: z.int(), clicked: z.int() }).openapi({ description: "Totals since the campaign began." }),
  })
  .openapi("AdCampaign");

export const adSchema = z
  .object({
    impression_id: z.uuid().openapi({ description: "Report played/clicked to POST /ad/impressions/{id}." }),
    campaign_id: z.uuid(),
    creative_id: z.uuid(),
    audio: z.object({
      url: z.string().openapi({ description: "Signed, short-lived, bound to this listener; supports Range like track media." }),
      content_type: z.string().openapi({ example: "audio/mp4" }),
      expires_at: z.string().openapi({ format: "date-time" }),
    }),
    image_url: z.string().nullable(),
    click_url: z.string().nullable(),
    duration_ms: z.int(),
  })
  .openapi("Ad");

export const adQuery = z.object({
  genre: genre.optional().openapi({ description: "Genre of the track being played.", example: "rock" }),
  track_id: z.uuid({ error: "expected a track id (uuid)" }).optional().openapi({ description: "The track being played; its genres target the ad." }),
});

export const impressionEventBody = z
  .object({ event: z.enum(["played", "clicked"]).openapi({ description: "played: the spot was heard to the end; clicked: the banner was tapped." }) })
  .strict()
  .openapi("AdImpressionEvent");
