/**
 * Password rules of OWASP ASVS 5 (V6.2) / NIST SP 800-63B: at least 8
 * characters, up to 128 (ASVS asks to allow at least 64), any characters, no
 * composition rules, and none of the most common leaked passwords.
 */
import { readDataFile } from "../../shared/data-files.ts";
import { decodeCommonPasswords } from "./common-passwords.ts";

export const passwordLength = { min: 8, max: 128 } as const;

/** The shipped list holds 10,000; a much shorter one is a broken file, not a policy. */
const minimumListSize = 1_000;

// A deliberate isolate cache: read (a static asset in the Worker, scripts/generate-common-passwords.ts
// writes it) and built on first use, read-only afterwards. A failed read is not cached, and it fails
// the request: skipping the check would let a common password through.
let common: Promise<ReadonlySet<string>> | undefined;

function commonPasswords(): Promise<ReadonlySet<string>> {
  if (!common) {
    const loading = readDataFile("common-passwords.txt").then((text) => {
      const passwords = new Set(decodeCommonPasswords(text));
      if (passwords.size < minimumListSize) throw new Error(`the common-password list holds only ${passwords.size} passwords`);
      return passwords;
    });
    common = loading;
    loading.catch(() => {
      if (common === loading) common = undefined;
    });
  }
  return common;
}

/** Length in characters (code points) after the same normalisation the hasher applies. */
export function passwordCharacters(password: string): number {
  return [...password.normalize("NFKC")].length;
}

/** Why a new password is refused, or null when it is acceptable. */
export async function passwordProblem(password: string, email?: string): Promise<string | null> {
  const length = passwordCharacters(password);
  if (length < passwordLength.min) return `must be at least ${passwordLength.min} characters long`;
  if (length > passwordLength.max) return `must be at most ${passwordLength.max} characters long`;
  const lowered = password.normalize("NFKC").toLowerCase();
  if ((await commonPasswords()).has(lowered)) return "is one of the most common passwords; choose another";
  if (email && lowered === email.trim().toLowerCase()) return "must not be the email address";
  return null;
}
