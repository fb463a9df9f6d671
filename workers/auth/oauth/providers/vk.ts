import { z } from "zod";
import { AppError } from "../../../../shared/errors.ts";
import type { ExternalIdentity, ProviderAdapter } from "./types.ts";

// POST https://id.vk.com/oauth2/user_info → { user: { user_id, first_name, last_name, phone, avatar, email, sex, verified, birthday } }
// or { error, error_description } with status 200.
const userInfoSchema = z.object({
  user: z.object({
    user_id: z.union([z.string().regex(/^\d{1,20}$/), z.number().int().positive()]).transform(String),
    email: z.string().max(254).optional(),
  }),
});

/**
 * Maps VK ID's user info to an identity. VK ID says nothing about whether it
 * checked the email (its `verified` is the profile's blue tick), so the email
 * never links to an existing account; it only names a new one.
 */
export function vkIdentity(body: unknown): ExternalIdentity {
  const parsed = userInfoSchema.safeParse(body);
  if (!parsed.success) throw new AppError("BAD_GATEWAY", "VK ID's user info has an unexpected shape.");
  const email = parsed.data.user.email?.trim() || null;
  return { provider: "vk", subject: parsed.data.user.user_id, email, emailVerified: false };
}

export const vk: ProviderAdapter = {
  id: "vk",
  kind: "oauth2",
  scope: "vkid.personal_info email",
  // VK ID web apps are public clients: PKCE, no secret at the token endpoint.
  clientAuth: "none",
  tokenParameters(callback): Record<string, string> {
    // VK ID's callback names the device, and its token endpoint wants it back.
    const deviceId = callback.get("device_id");
    return deviceId ? { device_id: deviceId } : {};
  },
  async identity({ settings, tokens, fetch }) {
    const response = await fetch(settings.userInfoUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ client_id: settings.clientId, access_token: tokens.access_token }),
    });
    if (!response.ok) throw new AppError("BAD_GATEWAY", `VK ID's user info answered ${response.status}.`);
    return vkIdentity(await response.json());
  },
};
