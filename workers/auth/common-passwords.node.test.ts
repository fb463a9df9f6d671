import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeCommonPasswords, encodeCommonPasswords } from "./common-passwords.ts";

describe("the front-coded common-password list", () => {
  it("round-trips passwords that share long prefixes, non-ASCII and digits", () => {
    const passwords = ["password", "password1", "passwords", "1".repeat(60), `${"1".repeat(60)}2`, "пароль12", "пароль123", "0!qaz2wsx"];
    const decoded = decodeCommonPasswords(encodeCommonPasswords(passwords));
    expect(new Set(decoded)).toEqual(new Set(passwords));
    expect(decoded).toHaveLength(passwords.length);
  });

  it("ships 10,000 distinct lower-cased passwords of 8-128 characters, the well-known ones among them", () => {
    const passwords = decodeCommonPasswords(readFileSync(new URL("./common-passwords.txt", import.meta.url), "utf8"));
    expect(passwords).toHaveLength(10_000);
    expect(new Set(passwords).size).toBe(10_000);
    for (const password of passwords) {
      expect(password).toBe(password.normalize("NFKC").toLowerCase());
      expect([...password].length).toBeGreaterThanOrEqual(8);
    }
    expect(passwords).toEqual(expect.arrayContaining(["password", "12345678", "qwertyuiop", "iloveyou", "trustno1"]));
  });

  it("refuses a corrupt file rather than accepting every password", () => {
    expect(() => decodeCommonPasswords("0abcdefgh\n9x\n")).toThrow(/corrupt/);
  });
});
