/**
 * Makes and rotates the access-token signing keys (`JWT_SIGNING_KEYS`).
 *
 *   npm run keys:generate                            # a new key set with one active Ed25519 key
 *   npm run keys:generate -- --rotate keys.json      # step 1: a new key, published as `next` (verifies, does not sign)
 *   npm run keys:generate -- --activate keys.json    # step 2, ≥ 10 min later: next → active, active → retired
 *   npm run keys:generate -- --drop KID keys.json    # remove a retired key once its tokens have expired (10 min)
 *   npm run keys:generate -- --dev-vars            # write a dev key set to .dev.vars for `wrangler dev`
 *
 * The result goes to stdout; store it with `wrangler secret put JWT_SIGNING_KEYS`.
 * Private keys are never committed: .dev.vars is git-ignored.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generateSigningKey, signingKeysSchema, type SigningKeyConfig } from "../workers/auth/signing-keys.ts";

/**
 * Step 1: publishes `next` (in the JWKS, verifying, not signing). Until step 2
 * nothing signs with it, so no verifier meets a kid it has not fetched yet.
 */
export function rotateKeys(keys: readonly SigningKeyConfig[], next: SigningKeyConfig): SigningKeyConfig[] {
  if (keys.some((key) => key.status === "next")) throw new Error("a next key is already published; activate or drop it first");
  return [{ ...next, status: "next" }, ...keys];
}

/** Step 2, once the JWKS caches (5 minutes) have all seen the next key: it signs, the active one retires. */
export function activateNextKey(keys: readonly SigningKeyConfig[]): SigningKeyConfig[] {
  if (!keys.some((key) => key.status === "next")) throw new Error("no next key to activate; run --rotate first");
  return keys.map((key) => ({ ...key, status: key.status === "next" ? ("active" as const) : key.status === "active" ? ("retired" as const) : key.status }));
}

/** Removes a retired key; refuses to remove the active one. */
export function dropKey(keys: readonly SigningKeyConfig[], kid: string): SigningKeyConfig[] {
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw new Error(`no key with kid ${kid}`);
  if (key.status === "active") throw new Error(`key ${kid} is active; rotate first`);
  return keys.filter((candidate) => candidate.kid !== kid);
}

async function readKeys(path: string | undefined): Promise<SigningKeyConfig[]> {
  if (!path) throw new Error("expected the path of a JSON file holding the current JWT_SIGNING_KEYS");
  return signingKeysSchema.parse(await readFile(path, "utf8"));
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  let keys: SigningKeyConfig[];
  if (command === "--rotate") keys = rotateKeys(await readKeys(rest[0]), await generateSigningKey("next"));
  else if (command === "--activate") keys = activateNextKey(await readKeys(rest[0]));
  else if (command === "--drop") keys = dropKey(await readKeys(rest[1]), rest[0] ?? "");
  else keys = [await generateSigningKey()];
  const json = JSON.stringify(signingKeysSchema.parse(JSON.stringify(keys)));
  if (command === "--dev-vars") {
    const path = fileURLToPath(new URL("../.dev.vars", import.meta.url));
    const existing = await readFile(path, "utf8").catch(() => "");
    const kept = existing.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("JWT_SIGNING_KEYS="));
    await writeFile(path, [...kept, `JWT_SIGNING_KEYS='${json}'`, ""].join("\n"));
    console.error(`wrote a development signing key to ${path}`);
    return;
  }
  console.log(json);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
