import { z } from "zod";
import { AppError } from "../../../../shared/errors.ts";
import type { ExternalIdentity, ProviderAdapter } from "./types.ts";

// Google's ID token carries the user's email and whether Google verified it.
const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().max(254).optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]).optional(),
});

/** Maps verified ID token claims to an identity. */
export function googleIdentity(claims: unknown): ExternalIdentity {
  const parsed = claimsSchema.safeParse(claims);
  if (!parsed.success) throw new AppError("BAD_GATEWAY", "Google's ID token lacks the expected claims.");
  const { sub, email, email_verified } = parsed.data;
  return { provider: "google", subject: sub, email: email ?? null, emailVerified: email !== undefined && email_verified === true };
}

export const google: ProviderAdapter = {
  id: "google",
  kind: "oidc",
  scope: "openid email profile",
  clientAuth: "client_secret_basic",
  async identity({ idToken }) {
    return googleIdentity(idToken);
  },
};
