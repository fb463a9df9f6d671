/**
 * The front-coded password list format (scripts/generate-common-passwords.ts
 * writes it, password-policy.ts reads it): passwords sorted by code unit, one a
 * line, each line one base-36 digit (how many leading characters it shares with
 * the previous password, at most 35) followed by the rest of the password.
 */

const maxShared = 35;

export function encodeCommonPasswords(passwords: readonly string[]): string {
  const sorted = [...new Set(passwords)].sort();
  let previous = "";
  const lines: string[] = [];
  for (const password of sorted) {
    if (password.length === 0 || password.includes("\n") || password.includes("\r")) throw new Error("a password must be a non-empty single line");
    let shared = 0;
    while (shared < maxShared && shared < previous.length && shared < password.length && previous[shared] === password[shared]) shared++;
    lines.push(shared.toString(36) + password.slice(shared));
    previous = password;
  }
  return `${lines.join("\n")}\n`;
}

export function decodeCommonPasswords(text: string): string[] {
  const passwords: string[] = [];
  let previous = "";
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const shared = Number.parseInt(line[0] ?? "", 36);
    if (!(shared >= 0 && shared <= previous.length)) throw new Error("corrupt common-password list");
    previous = previous.slice(0, shared) + line.slice(1);
    passwords.push(previous);
  }
  return passwords;
}
