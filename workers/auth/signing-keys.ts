/**
 * Signing keys come from configuration: `JWT_SIGNING_KEYS` is a JSON array of
 * private JWKs (Ed25519 `OKP` or P-256 `EC`), each with a `kid` and a
 * `status`. Exactly one key is `active` and signs; `retired` keys still verify
 * (and stay in the JWKS) until the tokens they signed have expired, after
 * which the operator deletes them. A `next` key (at most one) is published in
 * the JWKS and verifies but never signs: rotation is two steps, so every
 * service caching the JWKS (5 minutes) knows a key before the first token
 * signed with it arrives (docs/security.md, "Signing keys").
 * `npm run keys:generate` makes and rotates keys.
 */
import { exportJWK, generateKeyPair, importJWK } from "jose";
import { z } from "zod";

const base64url = (bytes: number) => z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `expected ${bytes} bytes in base64url`);

const keyMeta = {
  kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "expected a key id of letters, digits, '.', '_' or '-'"),
  status: z.enum(["next", "active", "retired"], { error: "expected status next, active or retired" }),
};

const signingKeySchema = z.discriminatedUnion(
  "kty",
  [
    z.object({ ...keyMeta, kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: base64url(32), d: base64url(32) }),
    z.object({ ...keyMeta, kty: z.literal("EC"), crv: z.literal("P-256"), x: base64url(32), y: base64url(32), d: base64url(32) }),
  ],
  { error: "expected an Ed25519 (kty OKP) or P-256 (kty EC) private JWK" },
);
export type SigningKeyConfig = z.infer<typeof signingKeySchema>;

/** The `JWT_SIGNING_KEYS` value: JSON text of an array with exactly one active key and unique kids. */
export const signingKeysSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "expected a JSON array of private JWKs" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(signingKeySchema, { error: "expected a JSON array of private JWKs" })
      .refine((keys) => keys.filter((key) => key.status === "active").length === 1, "expected exactly one key with status active")
      .refine((keys) => keys.filter((key) => key.status === "next").length <= 1, "expected at most one key with status next")
      .refine((keys) => new Set(keys.map((key) => key.kid)).size === keys.length, "expected unique kids"),
  );

export type SigningAlgorithm = "EdDSA" | "ES256";
/** RFC 8725 §3.1: the only algorithms a token may name. */
export const allowedAlgorithms: readonly SigningAlgorithm[] = ["EdDSA", "ES256"];

export interface VerificationKey {
  kid: string;
  alg: SigningAlgorithm;
  key: CryptoKey;
}

export interface KeyRing {
  signing: { kid: string; alg: SigningAlgorithm; key: CryptoKey };
  verification: ReadonlyMap<string, VerificationKey>;
  /** The public halves, as `GET /.well-known/jwks.json` serves them. */
  jwks: { keys: PublicJwk[] };
}

export interface PublicJwk {
  kid: string;
  kty: "OKP" | "EC";
  crv: string;
  x: string;
  y?: string;
  alg: SigningAlgorithm;
  use: "sig";
}

function algorithmOf(key: SigningKeyConfig): SigningAlgorithm {
  return key.kty === "OKP" ? "EdDSA" : "ES256";
}

function publicJwk(key: SigningKeyConfig): PublicJwk {
  const common = { kid: key.kid, alg: algorithmOf(key), use: "sig" } as const;
  return key.kty === "OKP" ? { ...common, kty: "OKP", crv: key.crv, x: key.x } : { ...common, kty: "EC", crv: key.crv, x: key.x, y: key.y };
}

/** Imports the configured keys once (per isolate); throws when the key material is unusable. */
export async function createKeyRing(keys: readonly SigningKeyConfig[]): Promise<KeyRing> {
  const verification = new Map<string, VerificationKey>();
  let signing: KeyRing["signing"] | undefined;
  for (const config of keys) {
    const alg = algorithmOf(config);
    const jwk = publicJwk(config);
    const key = await importJWK(jwk, alg);
    if (!(key instanceof CryptoKey)) throw new Error(`key ${config.kid} did not import as a CryptoKey`);
    verification.set(config.kid, { kid: config.kid, alg, key });
    if (config.status === "active") {
      const { kid, status: _status, ...privateJwk } = config;
      const privateKey = await importJWK({ ...privateJwk, alg }, alg);
      if (!(privateKey instanceof CryptoKey)) throw new Error(`key ${kid} did not import as a CryptoKey`);
      signing = { kid, alg, key: privateKey };
    }
  }
  if (!signing) throw new Error("no active signing key");
  return { signing, verification, jwks: { keys: keys.map(publicJwk) } };
}

/** A fresh Ed25519 key as a `JWT_SIGNING_KEYS` entry, kid derived from the date. */
export async function generateSigningKey(status: SigningKeyConfig["status"] = "active", now = new Date()): Promise<SigningKeyConfig> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `ed-${now.toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`;
  return signingKeySchema.parse({ kid, status, kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d });
}
