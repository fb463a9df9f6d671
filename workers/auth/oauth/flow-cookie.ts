/**
 * The sign-in flow's secrets between /start and /callback, kept in the
 * browser that started it: an encrypted (JWE dir + A256GCM), 10-minute,
 * HttpOnly, `__Host-` cookie. Encryption keeps the PKCE verifier and nonce
 * unreadable and untamperable; holding them in the browser binds the callback
 * to the browser that started the flow (no login CSRF) without a server-side
 * store to write, read and expire. The callback clears it: one use.
 */
import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";
import type { ProviderId } from "./config.ts";

export interface FlowSecrets {
  provider: ProviderId;
  state: string;
  codeVerifier: string;
  /** Only for OpenID Connect providers. */
  nonce?: string;
  /** Started by the web app: where to send the browser back (a path under /app/), the refresh token in its cookie. */
  returnTo?: string;
}

/**
 * A path of the web app on this origin: no scheme, no host, no escapes, no dot
 * segments; nothing to smuggle a redirect through. (Length first, then a
 * linear pattern, then the segments: no backtracking over a long query.)
 */
export const returnToSchema = z
  .string()
  .max(200)
  .regex(/^\/app(?:\/[A-Za-z0-9\-._~/]*)?$/, "expected a path of the web app, such as /app/")
  .refine((path) => !path.split("/").some((segment) => segment === "." || segment === ".."), "expected a path without . or .. segments");

export const flowLifetimeSeconds = 600;

/** One cookie per provider, so two sign-ins started in two tabs do not clobber each other. */
export function flowCookieName(provider: ProviderId): string {
  return `__Host-tunec-oauth-${provider}`;
}

const payloadSchema = z.object({
  provider: z.enum(["google", "vk", "yandex"]),
  state: z.string().min(1),
  codeVerifier: z.string().min(43),
  nonce: z.string().min(1).optional(),
  returnTo: returnToSchema.optional(),
});

export async function sealFlow(secrets: FlowSecrets, key: Uint8Array): Promise<string> {
  const value = await new EncryptJWT({ ...secrets })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt()
    .setExpirationTime(`${flowLifetimeSeconds}s`)
    .encrypt(key);
  return `${flowCookieName(secrets.provider)}=${value}; Max-Age=${flowLifetimeSeconds}; Path=/; HttpOnly; Secure; SameSite=Lax`;
}

/** The Set-Cookie that removes the flow cookie. */
export function clearFlow(provider: ProviderId): string {
  return `${flowCookieName(provider)}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`;
}

/** The flow's secrets, or null when the cookie is missing, expired, forged or for another provider. */
export async function openFlow(cookieHeader: string | undefined, provider: ProviderId, key: Uint8Array): Promise<FlowSecrets | null> {
  const name = flowCookieName(provider);
  const value = (cookieHeader ?? "")
    .split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  if (!value) return null;
  try {
    const { payload } = await jwtDecrypt(value, key, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
      maxTokenAge: `${flowLifetimeSeconds}s`,
    });
    const parsed = payloadSchema.safeParse(payload);
    return parsed.success && parsed.data.provider === provider ? parsed.data : null;
  } catch {
    return null;
  }
}
