/**
 * Password rules of OWASP ASVS 5 (V6.2) / NIST SP 800-63B: at least 8
 * characters, up to 128 (ASVS asks to allow at least 64), any characters, no
 * composition rules, and none of the most common leaked passwords.
 */
import { decodeCommonPasswords } from "./common-passwords.ts";
// Generated data (scripts/generate-common-passwords.ts): one front-coded string.
import commonPasswordsText from "./common-passwords.data.ts";

export const passwordLength = { min: 8, max: 128 } as const;

// A deliberate isolate cache: built on first use, read-only afterwards.
let common: ReadonlySet<string> | undefined;

function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(decodeCommonPasswords(commonPasswordsText));
  return common;
}

/** Length in characters (code points) after the same normalisation the hasher applies. */
export function passwordCharacters(password: string): number {
  return [...password.normalize("NFKC")].length;
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  const length = passwordCharacters(password);
  if (length < passwordLength.min) return `must be at least ${passwordLength.min} characters long`;
  if (length > passwordLength.max) return `must be at most ${passwordLength.max} characters long`;
  const lowered = password.normalize("NFKC").toLowerCase();
  if (commonPasswords().has(lowered)) return "is one of the most common passwords; choose another";
  if (email && lowered === email.trim().toLowerCase()) return "must not be the email address";
  return null;
}
