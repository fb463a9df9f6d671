/**
 * Writes workers/auth/common-passwords.txt: the most common passwords that the
 * length rule alone would let through (8-128 characters), lower-cased. Source:
 * the `passwords-common` dictionary of @zxcvbn-ts/language-common
 * (frequency-ranked leaked passwords). Run `npm run passwords:generate`; no network.
 *
 * The list is sorted and front-coded to about 60% of the plain list (each line
 * is one base-36 digit, the number of leading characters shared with the
 * previous password, then the rest of the password; workers/auth/common-passwords.ts
 * decodes it). It is not part of the Worker's script: the Worker reads it from
 * its static assets on first use (shared/data-files.ts), Deno and Node from here.
 */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dictionary } from "@zxcvbn-ts/language-common";
import { encodeCommonPasswords } from "../workers/auth/common-passwords.ts";

const limit = 10_000;
const target = fileURLToPath(new URL("../workers/auth/common-passwords.txt", import.meta.url));

const seen = new Set<string>();
for (const password of dictionary["passwords-common"]) {
  const normalized = password.normalize("NFKC").toLowerCase();
  const length = [...normalized].length;
  if (length < 8 || length > 128 || seen.has(normalized)) continue;
  seen.add(normalized);
  if (seen.size === limit) break;
}
if (seen.size < 1_000) throw new Error(`only ${seen.size} passwords found; is @zxcvbn-ts/language-common installed?`);

await writeFile(target, encodeCommonPasswords([...seen]));
console.log(`wrote ${seen.size} passwords to ${target}`);
