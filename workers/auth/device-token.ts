/**
 * Known-device markers (issue 17, item 10; OWASP "device cookies"): a password
 * sign-in returns a `device_token`, a JWT (`typ: device+jwt`, signed by the
 * access-token key ring) naming the SHA-256 of the email it signed in with. A
 * later sign-in that presents it in `X-Device-Token` for the same email is
 * charged to a bucket of that device alone, so failures from elsewhere (which
 * fill the per-email bucket) never lock the owner out of a device they have
 * used before. It grants nothing else: the password is still checked.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { keyFor, type TokenSettings } from "./access-token.ts";
import { allowedAlgorithms, type KeyRing } from "./signing-keys.ts";

export const deviceTokenTtlSeconds = 180 * 24 * 3600;
const deviceTyp = "device+jwt";

export async function emailDigest(normalizedEmail: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(normalizedEmail));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function signDeviceToken(ring: KeyRing, settings: TokenSettings, normalizedEmail: string, now = Date.now()): Promise<string> {
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ring.signing.alg, kid: ring.signing.kid, typ: deviceTyp })
    .setSubject(await emailDigest(normalizedEmail))
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + deviceTokenTtlSeconds)
    .setJti(crypto.randomUUID())
    .sign(ring.signing.key);
}

/** The device's id (the token's jti) when the token is ours, alive and for this email; otherwise null. */
export async function knownDevice(ring: KeyRing, settings: TokenSettings, token: string, normalizedEmail: string): Promise<string | null> {
  if (token.length > 2_000 || token.split(".").length !== 3) return null;
  try {
    const { payload } = await jwtVerify(token, keyFor(ring, token, deviceTyp), {
      algorithms: [...allowedAlgorithms],
      typ: deviceTyp,
      issuer: settings.issuer,
      audience: settings.audience,
      subject: await emailDigest(normalizedEmail),
      requiredClaims: ["sub", "exp", "jti"],
    });
    return typeof payload.jti === "string" && payload.jti.length <= 64 ? payload.jti : null;
  } catch (error) {
    if (error instanceof errors.JOSEError || (error instanceof Error && error.name === "InvalidTokenError")) return null;
    throw error;
  }
}
