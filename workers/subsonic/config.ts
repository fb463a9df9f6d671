import { z } from "zod";

const base64Key = z.string().regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, "expected base64 of at least 32 random bytes (openssl rand -base64 32)");

/**
 * Settings of the Subsonic context at the edge. SUBSONIC_SECRET_KEY encrypts
 * app passwords (AES-256-GCM); losing it invalidates every app password (API
 * keys are hashed and survive). Production must set it: a development default
 * would let anyone holding a database dump decrypt them.
 */
export const subsonicConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    SUBSONIC_SECRET_KEY: base64Key.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.ENVIRONMENT === "production" && !config.SUBSONIC_SECRET_KEY) {
      ctx.addIssue({ code: "custom", path: ["SUBSONIC_SECRET_KEY"], message: "is required in production (wrangler secret put SUBSONIC_SECRET_KEY)" });
    }
  });
export type SubsonicConfig = z.infer<typeof subsonicConfigSchema>;

const rateWindowSeconds = { s: 1, m: 60, h: 3600 } as const;
/** `600/1m`: 600 calls a minute, all usable at once (the gateway's format). */
const ratePolicy = (fallback: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,6}\/[1-9]\d{0,4}[smh]$/, "expected <limit>/<window> such as 600/1m (s, m or h)")
    .default(fallback)
    .transform((value) => {
      const [limit = "", window = ""] = value.split("/");
      const unit = window.slice(-1) as keyof typeof rateWindowSeconds;
      return { limit: Number(limit), periodSeconds: Number(window.slice(0, -1)) * rateWindowSeconds[unit] };
    });

/** Rate limits of /rest (./rate-limit.ts). */
export const subsonicRateConfigSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
  /** Per device credential (API key or app password). */
  SUBSONIC_RATE_LIMIT: ratePolicy("600/1m"),
  /** Per client address before authentication: several players may share one. */
  SUBSONIC_RATE_LIMIT_IP: ratePolicy("1200/1m"),
});
