import { describe, expect, it } from "vitest";
import { generateSigningKey, signingKeysSchema } from "../workers/auth/signing-keys.ts";
import { activateNextKey, dropKey, rotateKeys } from "./generate-keys.ts";

describe("signing key generation and rotation", () => {
  it("generates a valid Ed25519 key set", async () => {
    const keys = signingKeysSchema.parse(JSON.stringify([await generateSigningKey()]));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", status: "active" });
  });

  it("rotates in two steps: publish the next key, then activate it (the old one retires), then drop the retired one", async () => {
    const first = await generateSigningKey();
    const second = await generateSigningKey();
    const published = rotateKeys([first], second);
    expect(published.map((key) => [key.kid, key.status])).toEqual([
      [second.kid, "next"],
      [first.kid, "active"],
    ]);
    expect(() => signingKeysSchema.parse(JSON.stringify(published))).not.toThrow();
    expect(() => rotateKeys(published, first)).toThrow(/already published/);
    const rotated = activateNextKey(published);
    expect(rotated.map((key) => [key.kid, key.status])).toEqual([
      [second.kid, "active"],
      [first.kid, "retired"],
    ]);
    expect(() => activateNextKey(rotated)).toThrow(/no next key/);
    expect(() => signingKeysSchema.parse(JSON.stringify(rotated))).not.toThrow();
    expect(dropKey(rotated, first.kid).map((key) => key.kid)).toEqual([second.kid]);
    expect(() => dropKey(rotated, second.kid)).toThrow(/active/);
  });

  it("refuses key sets without exactly one active key, with duplicate kids, or with bad material", async () => {
    const key = await generateSigningKey();
    const bad = [
      [],
      [{ ...key, status: "retired" }],
      [key, { ...key, status: "retired" }],
      [key, { ...key, kid: "n1", status: "next" }, { ...key, kid: "n2", status: "next" }],
      [{ ...key, d: "short" }],
      [{ ...key, kty: "oct", k: "secret" }],
    ];
    for (const keys of bad) expect(signingKeysSchema.safeParse(JSON.stringify(keys)).success, JSON.stringify(keys)).toBe(false);
    expect(signingKeysSchema.safeParse("not json").success).toBe(false);
  });
});
