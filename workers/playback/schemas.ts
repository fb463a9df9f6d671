import { z } from "@hono/zod-openapi";

export { bearerSecurity, problemContent } from "../auth/schemas.ts";

export const qualitySchema = z.enum(["standard", "high"]);

export const trackIdParam = z.object({
  id: z.uuid({ error: "expected a track id (uuid)" }).openapi({ param: { name: "id", in: "path" }, example: "0b9f5c1e-6a5e-4a57-9a35-2f0d3b6f4c11" }),
});

export const playIdParam = z.object({
  id: z.uuid({ error: "expected a play id (uuid)" }).openapi({ param: { name: "id", in: "path" }, example: "5d7e1c0a-2b3f-4e6a-8c9d-1a2b3c4d5e6f" }),
});

export const streamQuery = z.object({
  quality: qualitySchema.optional().openapi({
    description: "standard (AAC 128k, everyone) or high (AAC 256k, premium only). Default: the best the listener is entitled to.",
  }),
  play_id: z.uuid({ error: "expected a play id (uuid)" }).optional().openapi({
    description: "The client's id for this play. Retrying with the same id returns a fresh URL without counting a second play. Default: a new id.",
  }),
});

export const streamSchema = z
  .object({
    play_id: z.uuid(),
    track_id: z.uuid(),
    quality: qualitySchema,
    url: z.string().openapi({
      description: "Short-lived media URL bound to the listener, the rendition and this device's stream lease. Supports Range, HEAD and If-None-Match.",
    }),
    expires_at: z.string().openapi({ format: "date-time" }),
    codec: z.string().openapi({ example: "aac" }),
    bitrate_kbps: z.int(),
    size_bytes: z.int(),
    duration_ms: z.int(),
    loudness_lufs: z.number().openapi({ description: "EBU R128 integrated loudness, for normalisation." }),
    taken_over: z.boolean().openapi({
      description: "True when this request moved the account's stream from another device (that device's media requests now fail with stream-taken-over).",
    }),
  })
  .openapi("Stream");

export const finishBody = z
  .object({
    position_ms: z
      .int()
      .min(0)
      .max(24 * 3600_000)
      .openapi({ description: "Position reached when playback ended, in ms." }),
  })
  .openapi("FinishPlay");

export const finishedSchema = z
  .object({
    play_id: z.uuid(),
    track_id: z.uuid(),
    position_ms: z.int(),
    completed: z.boolean(),
    finished_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("FinishedPlay");
