/**
 * The edge's upload URLs (R2 mode): `PUT /uploads/{id}/content?exp=&sig=`,
 * where `sig` is HMAC-SHA256 over the upload id, the uploading user, the
 * declared size and content type and the expiry. Only `exp` travels in the
 * URL; everything else is read back from the upload row when the PUT arrives,
 * so changing any of it (or the expiry) breaks the signature. A large file's
 * parts go to `PUT /uploads/{id}/parts/{n}?size=&exp=&sig=`, each signed over
 * its number and size as well (the size travels: parts differ in length).
 */

import { createHmacSigner, fromBase64, type HmacSigner } from "../../../shared/crypto/hmac-signer.ts";

const version = "tunec-upload-v1";

const partVersion = "tunec-upload-part-v1";

export interface UploadClaims {
  uploadId: string;
  userId: string;
  /** The whole file's size, or the part's size for a part URL. */
  sizeBytes: number;
  contentType: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Multipart: the part this URL takes (`PUT /uploads/{id}/parts/{n}`); its own version string keeps part and file URLs apart. */
  partNumber?: number;
}

export type UploadSigner = HmacSigner<UploadClaims>;

export function createUploadSigner(key: CryptoKey): UploadSigner {
  return createHmacSigner(key, (claims: UploadClaims) =>
    claims.partNumber === undefined
      ? [version, claims.uploadId, claims.userId, claims.sizeBytes, claims.contentType, claims.expiresAt]
      : [partVersion, claims.uploadId, claims.userId, claims.partNumber, claims.sizeBytes, claims.contentType, claims.expiresAt],
  );
}

/** From UPLOAD_SIGNING_KEY (base64/base64url of ≥ 32 bytes), or a random key for this isolate. */
export async function uploadSigningKey(configured: string | undefined): Promise<CryptoKey> {
  const algorithm = { name: "HMAC", hash: "SHA-256" } as const;
  if (!configured) return crypto.subtle.generateKey(algorithm, false, ["sign", "verify"]) as Promise<CryptoKey>;
  const bytes = fromBase64(configured);
  if (!bytes || bytes.byteLength < 32) throw new Error("UPLOAD_SIGNING_KEY must hold at least 32 bytes");
  return crypto.subtle.importKey("raw", bytes, algorithm, false, ["sign", "verify"]);
}
