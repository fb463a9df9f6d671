/**
 * HMAC-SHA256 signatures over a list of fields, as short-lived URLs carry them
 * (upload URLs, media URLs). WebCrypto only, so the edge and Node share it.
 */

export interface HmacSigner<Claims> {
  sign(claims: Claims): Promise<string>;
  /** Constant-time: WebCrypto's verify compares the MACs. */
  verify(claims: Claims, signature: string): Promise<boolean>;
}

export function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** base64 or base64url, padded or not; null when it is not base64 at all. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(
      text
        .replaceAll("-", "+")
        .replaceAll("_", "/")
        .padEnd(Math.ceil(text.length / 4) * 4, "="),
    );
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * `fields` lists what the signature binds, in a fixed order; a leading
 * version field lets a format change invalidate old signatures.
 */
export function createHmacSigner<Claims>(key: CryptoKey, fields: (claims: Claims) => readonly (string | number)[]): HmacSigner<Claims> {
  const message = (claims: Claims) => new TextEncoder().encode(fields(claims).join("\n"));
  return {
    async sign(claims) {
      return base64url(await crypto.subtle.sign("HMAC", key, message(claims)));
    },
    async verify(claims, signature) {
      const bytes = /^[A-Za-z0-9_-]{43}$/.test(signature) ? fromBase64(signature) : null;
      // Only the canonical encoding: base64's spare bits would let one MAC have several spellings.
      if (!bytes || base64url(bytes.buffer) !== signature) return false;
      return crypto.subtle.verify("HMAC", key, bytes, message(claims));
    },
  };
}
