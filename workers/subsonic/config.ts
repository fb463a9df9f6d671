import { z } from "zod";

const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/_-]{43,}={0,2}$/, "expected base64 of at least 32 random bytes (openssl rand -base64 32)");

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
