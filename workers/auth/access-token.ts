/**
 * Access tokens: short-lived JWTs (RFC 9068 `typ: at+jwt`) signed with the
 * active key. Verification follows RFC 8725: an algorithm allow-list, the key
 * chosen by `kid` from our own ring (never from the token), required `typ`,
 * `iss`, `aud`, time claims with a small clock tolerance.
 */
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import type { Role } from "./accounts.ts";
import { allowedAlgorithms, type KeyRing } from "./signing-keys.ts";

export const accessTokenTtlSeconds = 600;
const clockToleranceSeconds = 5;

export interface TokenSettings {
  issuer: string;
  audience: string;
}

/** Who made a request, as the gateway puts it into the request context. */
export interface Principal {
  userId: string;
  roles: Role[];
  isPremium: boolean;
  sessionId: string;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  sid: z.uuid(),
  roles: z.array(z.enum(["listener", "artist", "editor", "admin"])).min(1),
  is_premium: z.boolean(),
  jti: z.string().min(1),
});

export async function signAccessToken(
  ring: KeyRing,
  settings: TokenSettings,
  principal: Principal,
  now = Date.now(),
): Promise<{ token: string; expiresIn: number }> {
  const issuedAt = Math.floor(now / 1000);
  const token = await new SignJWT({ roles: principal.roles, is_premium: principal.isPremium, sid: principal.sessionId })
    .setProtectedHeader({ alg: ring.signing.alg, kid: ring.signing.kid, typ: "at+jwt" })
    .setSubject(principal.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + accessTokenTtlSeconds)
    .setJti(crypto.randomUUID())
    .sign(ring.signing.key);
  return { token, expiresIn: accessTokenTtlSeconds };
}

/** Why a token was refused; for logs only. The wire always says "invalid token". */
export class InvalidTokenError extends Error {
  override readonly name = "InvalidTokenError";
  constructor(readonly reason: string) {
    super(`invalid access token: ${reason}`);
  }
}

/**
 * The header is checked before any signature work: allow-listed `alg`, our
 * `typ`, a `kid` we hold for that very algorithm. (Doing it up front also keeps
 * jose from rejecting synchronously, which workerd reports as an unhandled rejection.)
 */
export function keyFor(ring: KeyRing, token: string, typ = "at+jwt"): CryptoKey {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new InvalidTokenError("malformed header");
  }
  if (typeof header.alg !== "string" || !(allowedAlgorithms as readonly string[]).includes(header.alg)) {
    throw new InvalidTokenError("algorithm not allowed");
  }
  if (header.typ !== typ) throw new InvalidTokenError("wrong typ");
  const entry = header.kid === undefined ? undefined : ring.verification.get(header.kid);
  if (!entry || entry.alg !== header.alg) throw new InvalidTokenError("unknown kid or algorithm mismatch");
  return entry.key;
}

/** Verifies an access token; throws `InvalidTokenError` for anything wrong with it. */
export async function verifyAccessToken(ring: KeyRing, settings: TokenSettings, token: string): Promise<Principal> {
  return (await verifyClaims(ring, settings, token)).principal;
}

interface VerifiedToken {
  principal: Principal;
  /** Epoch ms after which the token is no longer taken from the cache (its `exp`, without the clock tolerance). */
  expiresAt: number;
  issuer: string;
  audience: string;
}

/** Tokens kept per isolate; a listener sends the same token for up to ten minutes. */
const verifiedCacheSize = 4096;
/** Longer strings are verified every time (ours are ~400 bytes), so a stranger cannot fill memory with big ones. */
const maxCachedTokenLength = 2048;
/**
 * Verified tokens by key ring, so a ring built anew (keys rotated or withdrawn) starts empty
 * and a token of a withdrawn key is never answered from here.
 */
const verifiedTokens = new WeakMap<KeyRing, Map<string, VerifiedToken>>();

/**
 * `verifyAccessToken` with an isolate LRU keyed by the token string: the
 * signature and claims of a given string never change, so once verified it is
 * answered from memory until its `exp` (time checks are the only ones that can
 * turn a valid token invalid, and `nbf` only the other way). A token that
 * fails is not cached. Saves the signature check (Ed25519/ES256) on every
 * request but the first of each token.
 */
export async function verifyAccessTokenCached(ring: KeyRing, settings: TokenSettings, token: string, now = Date.now()): Promise<Principal> {
  let cache = verifiedTokens.get(ring);
  const hit = cache?.get(token);
  if (cache && hit) {
    if (hit.expiresAt > now && hit.issuer === settings.issuer && hit.audience === settings.audience) {
      // Refreshed as most recently used (a Map iterates in insertion order).
      cache.delete(token);
      cache.set(token, hit);
      return { ...hit.principal, roles: [...hit.principal.roles] };
    }
    cache.delete(token);
  }
  const verified = await verifyClaims(ring, settings, token);
  if (token.length <= maxCachedTokenLength && verified.expiresAt > now) {
    if (!cache) {
      cache = new Map();
      verifiedTokens.set(ring, cache);
    }
    cache.set(token, { ...verified, principal: { ...verified.principal, roles: [...verified.principal.roles] } });
    if (cache.size > verifiedCacheSize) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
  }
  return verified.principal;
}

async function verifyClaims(ring: KeyRing, settings: TokenSettings, token: string): Promise<VerifiedToken> {
  if (token.split(".").length !== 3) throw new InvalidTokenError("not a compact JWS");
  const key = keyFor(ring, token);
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [...allowedAlgorithms],
      typ: "at+jwt",
      issuer: settings.issuer,
      audience: settings.audience,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ["sub", "sid", "exp", "iat", "nbf", "jti"],
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || typeof payload.exp !== "number") throw new InvalidTokenError("claims of the wrong shape");
    return {
      principal: { userId: claims.data.sub, roles: claims.data.roles, isPremium: claims.data.is_premium, sessionId: claims.data.sid },
      expiresAt: payload.exp * 1000,
      issuer: settings.issuer,
      audience: settings.audience,
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof errors.JOSEError) throw new InvalidTokenError(error.code);
    throw new InvalidTokenError(error instanceof Error ? error.name : "unexpected failure");
  }
}
