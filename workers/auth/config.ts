import { z } from "zod";
import { signingKeysSchema } from "./signing-keys.ts";

/**
 * The auth settings of the Worker. `JWT_SIGNING_KEYS` is a secret
 * (`wrangler secret put JWT_SIGNING_KEYS`); outside production it may be left
 * out, and the Worker then signs with an ephemeral key per isolate (tokens do
 * not survive a restart). `npm run keys:generate -- --dev-vars` writes a stable
 * dev key to `.dev.vars` instead.
 */
export const authConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "test", "production"]).default("production"),
    JWT_SIGNING_KEYS: signingKeysSchema.optional(),
    JWT_ISSUER: z.url({ error: "expected an https URL naming the token issuer" }).default("https://tunec.dev"),
    JWT_AUDIENCE: z.string().min(1, "expected the API's audience name").default("tunec-api"),
  })
  .superRefine((config, ctx) => {
    if (config.ENVIRONMENT === "production" && config.JWT_SIGNING_KEYS === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["JWT_SIGNING_KEYS"],
        message: "a JSON array of private JWKs; generate one with `npm run keys:generate`",
      });
    }
  });
export type AuthConfig = z.infer<typeof authConfigSchema>;
