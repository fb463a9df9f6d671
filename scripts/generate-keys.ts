/**
 * Makes and rotates the access-token signing keys (`JWT_SIGNING_KEYS`).
 *
 *   npm run keys:generate                          # a new key set with one active Ed25519 key
 *   npm run keys:generate -- --rotate keys.json    # new active key; the old active one becomes retired
 *   npm run keys:generate -- --drop KID keys.json  # remove a retired key once its tokens have expired (10 min)
 *   npm run keys:generate -- --dev-vars            # write a dev key set to .dev.vars for `wrangler dev`
 *
 * The result goes to stdout; store it with `wrangler secret put JWT_SIGNING_KEYS`.
 * Private keys are never committed: .dev.vars is git-ignored.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generateSigningKey, signingKeysSchema, type SigningKeyConfig } from "../workers/auth/signing-keys.ts";

/** Retires the active key and adds `next` as the new active one. */
export function rotateKeys(keys: readonly SigningKeyConfig[], next: SigningKeyConfig): SigningKeyConfig[] {
  return [{ ...next, status: "active" }, ...keys.map((key) => ({ ...key, status: "retired" as const }))];
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
  if (command === "--rotate") keys = rotateKeys(await readKeys(rest[0]), await generateSigningKey());
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
