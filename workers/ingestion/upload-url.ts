/**
 * The edge's upload URLs (R2 mode): `PUT /uploads/{id}/content?exp=&sig=`,
 * where `sig` is HMAC-SHA256 over the upload id, the uploading user, the
 * declared size and content type and the expiry. Only `exp` travels in the
 * URL; everything else is read back from the upload row when the PUT arrives,
 * so changing any of it (or the expiry) breaks the signature.
 */

const version = "tunec-upload-v1";

export interface UploadClaims {
  uploadId: string;
  userId: string;
  sizeBytes: number;
  contentType: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface UploadSigner {
  sign(claims: UploadClaims): Promise<string>;
  /** Constant-time: WebCrypto's verify compares the MACs. */
  verify(claims: UploadClaims, signature: string): Promise<boolean>;
}

function message(claims: UploadClaims): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode([version, claims.uploadId, claims.userId, claims.sizeBytes, claims.contentType, claims.expiresAt].join("\n"));
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/").padEnd(Math.ceil(text.length / 4) * 4, "="));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export function createUploadSigner(key: CryptoKey): UploadSigner {
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

/** From UPLOAD_SIGNING_KEY (base64/base64url of ≥ 32 bytes), or a random key for this isolate. */
export async function uploadSigningKey(configured: string | undefined): Promise<CryptoKey> {
  const algorithm = { name: "HMAC", hash: "SHA-256" } as const;
  if (!configured) return crypto.subtle.generateKey(algorithm, false, ["sign", "verify"]) as Promise<CryptoKey>;
  const bytes = fromBase64(configured);
  if (!bytes || bytes.byteLength < 32) throw new Error("UPLOAD_SIGNING_KEY must hold at least 32 bytes");
  return crypto.subtle.importKey("raw", bytes, algorithm, false, ["sign", "verify"]);
}
