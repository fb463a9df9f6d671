/**
 * Refresh tokens are `<user id>.<secret>`: the secret is 256 random bits
 * (base64url), the user id only routes the call to that user's Session DO.
 * Guessing a secret for a known user id is as hard as guessing the secret.
 */
const tokenPattern = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function composeRefreshToken(userId: string, secret: string): string {
  return `${userId}.${secret}`;
}

export function parseRefreshToken(token: string): { userId: string; secret: string } | null {
  const match = tokenPattern.exec(token);
  if (!match?.[1] || !match[2]) return null;
  return { userId: match[1], secret: match[2] };
}

/** 32 random bytes as base64url (43 characters). */
export function newSecret(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The secret that replaces `secret` at rotation: HMAC-SHA256 under the Session
 * DO's own key. Deterministic, so a client's network retry of one refresh gets
 * the very same successor (nothing to store in plain text), yet unpredictable
 * without both the old secret and the object's key.
 */
export async function successorSecret(key: CryptoKey, secret: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(secret))));
}

/** Hex SHA-256: what the Session DO stores instead of the secret. */
export async function hashSecret(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
