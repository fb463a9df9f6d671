/**
 * `npm start`'s access-token signing key. Without JWT_SIGNING_KEYS the Worker
 * signs with a key that dies with its isolate, so every restart of `npm start`
 * (and every reload of `wrangler dev`) would sign everyone out. Made once and
 * kept in DATA_DIR (mode 0600); JWT_SIGNING_KEYS in the environment wins.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateSigningKey, signingKeysSchema } from "../workers/auth/signing-keys.ts";

/** Returns a dotenv file with JWT_SIGNING_KEYS for `wrangler dev --env-file`. */
export async function ensureDevSigningKeys(dataDir: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  const envFile = join(dataDir, "auth-secrets.env");
  const stored = /^JWT_SIGNING_KEYS='(.*)'$/m.exec(await readFile(envFile, "utf8").catch(() => ""))?.[1];
  const keys = env.JWT_SIGNING_KEYS || (stored && signingKeysSchema.safeParse(stored).success ? stored : undefined);
  if (keys !== stored || keys === undefined) {
    const json = keys ?? JSON.stringify([await generateSigningKey()]);
    await writeFile(envFile, `# Made by npm start; delete to sign everyone out with a new key.\nJWT_SIGNING_KEYS='${json}'\n`, { mode: 0o600 });
  }
  return envFile;
}
