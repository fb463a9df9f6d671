import { z } from "zod";

const base64Key = z.string().regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, "expected base64 of at least 32 random bytes (openssl rand -base64 32)");

/**
 * Settings of the playback context at the edge (workers/playback): how media
 * URLs are signed, how long they live, and which bucket serves them.
 */
export const playbackConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    /** HMAC-SHA256 key of media URLs; when unset, derived from UPLOAD_SIGNING_KEY (HKDF). */
    MEDIA_SIGNING_KEY: base64Key.optional(),
    UPLOAD_SIGNING_KEY: base64Key.optional(),
    MEDIA_URL_TTL_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(30).max(86_400).default(900),
    /** r2: the edge signs URLs and serves the bytes from its MEDIA binding; s3: presigned GETs. Defaults to UPLOAD_STORAGE. */
    MEDIA_STORAGE: z.enum(["r2", "s3"], { error: "expected r2 or s3" }).optional(),
    UPLOAD_STORAGE: z.enum(["r2", "s3"], { error: "expected r2 or s3" }).optional(),
  })
  .transform(({ UPLOAD_STORAGE, ...config }) => ({ ...config, MEDIA_STORAGE: config.MEDIA_STORAGE ?? UPLOAD_STORAGE ?? "r2" }))
  .superRefine((config, ctx) => {
    if (config.ENVIRONMENT === "production" && config.MEDIA_STORAGE === "r2" && !config.MEDIA_SIGNING_KEY && !config.UPLOAD_SIGNING_KEY) {
      ctx.addIssue({ code: "custom", path: ["MEDIA_SIGNING_KEY"], message: "is required in production (wrangler secret put MEDIA_SIGNING_KEY)" });
    }
  });
export type PlaybackConfig = z.infer<typeof playbackConfigSchema>;
