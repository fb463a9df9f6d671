import { describe, expect, it } from "vitest";
import { createMediaUrlSigner, mediaSigningKey, objectKeyOf, signMediaUrl, verifyMediaUrl } from "./media-url.ts";

const key = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const input = {
  origin: "https://api.tunec.test",
  userId: "4f1c2d3e-0000-4000-8000-000000000001",
  objectKey: "tracks/a b/high.m4a",
  leaseId: "lease-1",
  expiresInSeconds: 60,
};

describe("media URL signing", () => {
  it("signs a URL whose path is the percent-encoded object key and which verifies", async () => {
    const signer = createMediaUrlSigner(await mediaSigningKey(key()));
    const { url, expiresAt } = await signMediaUrl(signer, input);
    const parsed = new URL(url);
    expect(parsed.pathname).toBe("/playback/media/tracks/a%20b/high.m4a");
    expect(objectKeyOf(parsed)).toBe("tracks/a b/high.m4a");
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    expect(await verifyMediaUrl(signer, parsed)).toEqual({
      ok: true,
      claims: { objectKey: "tracks/a b/high.m4a", userId: input.userId, leaseId: "lease-1", expiresAt: Number(parsed.searchParams.get("e")) },
    });
    expect(await verifyMediaUrl(signer, parsed, Date.now() + 61_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("derives one media key per upload key (HKDF), distinct from other keys", async () => {
    const uploadKey = key();
    const a = createMediaUrlSigner(await mediaSigningKey(undefined, uploadKey));
    const b = createMediaUrlSigner(await mediaSigningKey(undefined, uploadKey));
    const other = createMediaUrlSigner(await mediaSigningKey(undefined, key()));
    const direct = createMediaUrlSigner(await mediaSigningKey(uploadKey));
    const { url } = await signMediaUrl(a, input);
    expect((await verifyMediaUrl(b, new URL(url))).ok).toBe(true);
    expect(await verifyMediaUrl(other, new URL(url))).toEqual({ ok: false, reason: "invalid" });
    // The derived key is not the upload key itself.
    expect(await verifyMediaUrl(direct, new URL(url))).toEqual({ ok: false, reason: "invalid" });
    await expect(mediaSigningKey("c2hvcnQ=")).rejects.toThrow(/at least 32 bytes/);
  });
});
