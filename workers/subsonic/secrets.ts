/**
 * The secrets of Subsonic credentials: API keys (shown once, stored as
 * SHA-256), app passwords (shown once, stored AES-256-GCM encrypted because
 * token auth needs them in the clear) and constant-time comparison.
 */
import { md5Hex } from "./md5.ts";

const encoder = new TextEncoder();

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** Compares two strings without an early exit, so timing does not tell how much of a guess was right. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let diff = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

/** `tunec_` and 32 random bytes in base64url: 256 bits, so a plain SHA-256 is a safe way to store it. */
export function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `tunec_${toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "")}`;
}

// No 0/o/1/l: the password is typed on a phone keyboard into a player's settings.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

/** Four groups of five (about 100 bits), e.g. `k7mq2-x9aph-...`: typable, and never a password a person chose. */
export function newAppPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  const chars = Array.from(bytes, (byte) => passwordAlphabet[byte % passwordAlphabet.length] ?? "a").join("");
  return chars.match(/.{5}/g)?.join("-") ?? chars;
}

/** A development key, public on purpose: outside production app passwords are only as secret as the test data. */
const developmentSecret = "tunec-subsonic-development-key-not-secret";

/** The AES-GCM key from SUBSONIC_SECRET_KEY, or one derived (HKDF) from the public development secret. */
export async function appPasswordKey(configured: string | undefined): Promise<CryptoKey> {
  if (configured) {
    const raw = fromBase64(configured);
    if (!raw || raw.byteLength < 32) throw new Error("SUBSONIC_SECRET_KEY must hold at least 32 bytes");
    const master = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
    return derive(master);
  }
  return derive(await crypto.subtle.importKey("raw", encoder.encode(developmentSecret), "HKDF", false, ["deriveKey"]));
}

function derive(master: CryptoKey): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode("tunec/subsonic/app-passwords/v1") },
    master,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** base64(iv || ciphertext+tag), bound to `rowId` as associated data. */
export async function encryptSecret(key: CryptoKey, plain: string, rowId: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(rowId) }, key, encoder.encode(plain)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64(out);
}

/** The plain secret, or null when it does not decrypt (wrong key, tampered, moved to another row). */
export async function decryptSecret(key: CryptoKey, stored: string, rowId: string): Promise<string | null> {
  const bytes = fromBase64(stored);
  if (!bytes || bytes.length < 12 + 16) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: encoder.encode(rowId) }, key, bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

/** Subsonic token auth: `t` is md5(password + salt) in lower-case hex. */
export function tokenMatches(password: string, salt: string, token: string): boolean {
  return timingSafeEqual(md5Hex(password + salt), token.toLowerCase());
}

/** `p=enc:<hex>`: the password hex-encoded (obfuscation, not encryption); anything else is the plain password. */
export function decodeLegacyPassword(p: string): string | null {
  if (!p.startsWith("enc:")) return p;
  const hex = p.slice(4);
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return null;
  const bytes = Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
