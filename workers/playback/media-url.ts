/**
 * Signed media URLs (R2 mode): `/playback/media/<object key>?u=&l=&e=&s=`.
 * `s` is HMAC-SHA256 over the object key, the user, the stream lease (or none)
 * and the expiry, so changing any of them breaks the signature. The signature
 * and the claims live only in the query: the path is the object, which is what
 * caches key on (the edge's Cache API key drops the query entirely).
 *
 * Used by playback (GET /stream) and by ads (creative audio, without a lease).
 * @example
 * const url = await signMediaUrl(signer, { origin: "https://api.tunec.dev", userId, objectKey: "tracks/…/standard.m4a", leaseId, expiresInSeconds: 900 });
 * const checked = await verifyMediaUrl(signer, new URL(request.url)); // { ok: true, claims } | { ok: false, reason }
 */

import { createHmacSigner, fromBase64, type HmacSigner } from "../../shared/crypto/hmac-signer.ts";

export const mediaPathPrefix = "/playback/media/";
const version = "tunec-media-v1";

export interface MediaUrlClaims {
  /** Key in the media bucket, e.g. `tracks/<trackId>/high.m4a`. */
  objectKey: string;
  /** The listener the URL was issued to. */
  userId: string;
  /** The stream lease (Session DO) the URL depends on; null for media that needs none (ads). */
  leaseId: string | null;
  /** Unix seconds. */
  expiresAt: number;
}

export type MediaUrlSigner = HmacSigner<MediaUrlClaims>;

export type VerifiedMediaUrl =
  | { ok: true; claims: MediaUrlClaims }
  /** `invalid`: malformed or tampered (the wire never says which); `expired`: a valid URL past its expiry. */
  | { ok: false; reason: "invalid" | "expired" };

export function createMediaUrlSigner(key: CryptoKey): MediaUrlSigner {
  return createHmacSigner(key, (claims: MediaUrlClaims) => [version, claims.objectKey, claims.userId, claims.leaseId ?? "-", claims.expiresAt]);
}

const hmac = { name: "HMAC", hash: "SHA-256" } as const;

/**
 * The media URL key: MEDIA_SIGNING_KEY (base64/base64url of ≥ 32 bytes); else
 * one derived by HKDF from UPLOAD_SIGNING_KEY (separate purpose, same secret
 * store, so `npm start` needs no new secret); else a random key for this isolate.
 */
export async function mediaSigningKey(configured: string | undefined, uploadKey?: string): Promise<CryptoKey> {
  const decode = (name: string, text: string) => {
    const bytes = fromBase64(text);
    if (!bytes || bytes.byteLength < 32) throw new Error(`${name} must hold at least 32 bytes`);
    return bytes;
  };
  if (configured) return crypto.subtle.importKey("raw", decode("MEDIA_SIGNING_KEY", configured), hmac, false, ["sign", "verify"]);
  if (uploadKey) {
    const master = await crypto.subtle.importKey("raw", decode("UPLOAD_SIGNING_KEY", uploadKey), "HKDF", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(version) },
      master,
      { ...hmac, length: 256 },
      false,
      ["sign", "verify"],
    );
  }
  return crypto.subtle.generateKey(hmac, false, ["sign", "verify"]) as Promise<CryptoKey>;
}

/** The path of an object under the media endpoint; each key segment percent-encoded. */
export function mediaPath(objectKey: string): string {
  return `${mediaPathPrefix}${objectKey.split("/").map(encodeURIComponent).join("/")}`;
}

export interface SignMediaUrlInput {
  /** Scheme and host the URL points at, e.g. `https://api.tunec.dev` (the request's origin). */
  origin: string;
  userId: string;
  objectKey: string;
  /** Omit for media that does not count as the account's one stream (ads). */
  leaseId?: string | null;
  expiresInSeconds: number;
  /** Epoch ms; defaults to now. */
  now?: number;
}

/** A signed, expiring URL of one object for one user (and stream lease). */
export async function signMediaUrl(signer: MediaUrlSigner, input: SignMediaUrlInput): Promise<{ url: string; expiresAt: Date }> {
  const expiresAt = Math.floor((input.now ?? Date.now()) / 1000) + input.expiresInSeconds;
  const claims: MediaUrlClaims = { objectKey: input.objectKey, userId: input.userId, leaseId: input.leaseId ?? null, expiresAt };
  const url = new URL(mediaPath(input.objectKey), input.origin);
  url.searchParams.set("u", input.userId);
  if (claims.leaseId) url.searchParams.set("l", claims.leaseId);
  url.searchParams.set("e", String(expiresAt));
  url.searchParams.set("s", await signer.sign(claims));
  return { url: url.toString(), expiresAt: new Date(expiresAt * 1000) };
}

/** The object key of a media URL's path, or null when the path is not one. */
export function objectKeyOf(url: URL): string | null {
  if (!url.pathname.startsWith(mediaPathPrefix)) return null;
  try {
    const key = url.pathname.slice(mediaPathPrefix.length).split("/").map(decodeURIComponent).join("/");
    return key.length > 0 ? key : null;
  } catch {
    return null;
  }
}

/** Checks a media URL's signature, then its expiry (so "expired" is only said of genuine URLs). */
export async function verifyMediaUrl(signer: MediaUrlSigner, url: URL, now = Date.now()): Promise<VerifiedMediaUrl> {
  const objectKey = objectKeyOf(url);
  const userId = url.searchParams.get("u");
  const expiry = url.searchParams.get("e");
  const signature = url.searchParams.get("s");
  if (!objectKey || !userId || !expiry || !/^\d{1,12}$/.test(expiry) || !signature) return { ok: false, reason: "invalid" };
  const claims: MediaUrlClaims = { objectKey, userId, leaseId: url.searchParams.get("l"), expiresAt: Number(expiry) };
  if (!(await signer.verify(claims, signature))) return { ok: false, reason: "invalid" };
  if (claims.expiresAt * 1000 <= now) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

export interface MediaUrlIssuer {
  /** A URL of one object for one user; `expiresInSeconds` defaults to MEDIA_URL_TTL_SECONDS. */
  issue(input: Omit<SignMediaUrlInput, "expiresInSeconds"> & { expiresInSeconds?: number }): Promise<{ url: string; expiresAt: Date }>;
}
