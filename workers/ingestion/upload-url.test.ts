import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { appWith, bearer, countingBody, signUpArtist } from "./testing.ts";
import { createUploadSigner, uploadSigningKey } from "./domain/upload-url.ts";

const signingKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

interface Created {
  upload_id: string;
  upload: { url: string; headers: Record<string, string> };
}

async function setUp(size = 10 * 1024 * 1024) {
  const app = appWith({ UPLOAD_SIGNING_KEY: signingKey });
  const artist = await signUpArtist("Подпись", app.request);
  const response = await app.request("/tracks", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(artist.token) },
    body: JSON.stringify({ title: "Кукушка", content_type: "audio/flac", size_bytes: size }),
  });
  expect(response.status).toBe(201);
  const created = await response.json<Created>();
  return { app, artist, created, url: new URL(created.upload.url), size };
}

const sourceOf = (id: string) => env.MEDIA.head(`uploads/${id}/source`);

describe("signed upload URLs", () => {
  it("a tampered signature, expiry or upload id is refused with one answer (403)", async () => {
    const { app, created, url } = await setUp(1024);
    const tries = [
      (u: URL) => {
        const sig = u.searchParams.get("sig") ?? "";
        u.searchParams.set("sig", `${sig.slice(0, 10)}${sig[10] === "A" ? "B" : "A"}${sig.slice(11)}`);
      },
      // A different spelling of the same MAC (base64's spare low bits) is not accepted either.
      (u: URL) => {
        const sig = u.searchParams.get("sig") ?? "";
        const last = "AEIMQUYcgkosw048".indexOf(sig.at(-1) ?? "");
        u.searchParams.set("sig", `${sig.slice(0, -1)}${"BFJNRVZdhlptx159"[last] ?? "B"}`);
      },
      (u: URL) => u.searchParams.set("exp", String(Number(u.searchParams.get("exp")) + 3600)),
      (u: URL) => (u.pathname = `/uploads/${crypto.randomUUID()}/content`),
      (u: URL) => u.searchParams.delete("sig"),
    ];
    for (const tamper of tries) {
      const forged = new URL(url);
      tamper(forged);
      const response = await app.request(forged.toString(), { method: "PUT", headers: created.upload.headers, body: new Uint8Array(1024) });
      expect([400, 403]).toContain(response.status);
      if (response.status === 403) expect(await response.json()).toMatchObject({ code: "FORBIDDEN", detail: "The upload URL is invalid." });
    }
    expect(await sourceOf(created.upload_id)).toBeNull();
  });

  it("an expired URL is refused (403) even with a valid signature", async () => {
    const { app, artist, created, url } = await setUp(1024);
    const signer = createUploadSigner(await uploadSigningKey(signingKey));
    const expired = Math.floor(Date.now() / 1000) - 5;
    const sig = await signer.sign({ uploadId: created.upload_id, userId: artist.userId, sizeBytes: 1024, contentType: "audio/flac", expiresAt: expired });
    url.searchParams.set("exp", String(expired));
    url.searchParams.set("sig", sig);
    const response = await app.request(url.toString(), { method: "PUT", headers: created.upload.headers, body: new Uint8Array(1024) });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ detail: "The upload URL has expired; create a new upload with POST /tracks." });
    expect(await sourceOf(created.upload_id)).toBeNull();
  });

  it("a wrong content type is refused (415)", async () => {
    const { app, url } = await setUp(1024);
    const response = await app.request(url.toString(), { method: "PUT", headers: { "content-type": "audio/mpeg" }, body: new Uint8Array(1024) });
    expect(response.status).toBe(415);
  });

  it("600 MB announced by Content-Length is refused before a byte is read (413)", async () => {
    const { app, created, url } = await setUp();
    const body = countingBody(600 * 1024 * 1024);
    const response = await app.request(url.toString(), {
      method: "PUT",
      headers: { ...created.upload.headers, "content-length": String(600 * 1024 * 1024) },
      body: body.body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(body.pulled()).toBeLessThanOrEqual(64 * 1024 * 4);
    expect(await sourceOf(created.upload_id)).toBeNull();
  });

  it("600 MB streamed without a length is cut off just past the declared size (413), nothing stored", async () => {
    const { app, created, url, size } = await setUp();
    const body = countingBody(600 * 1024 * 1024);
    const response = await app.request(url.toString(), { method: "PUT", headers: created.upload.headers, body: body.body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    // Read no further than the declared 10 MiB plus what was in flight.
    expect(body.pulled()).toBeLessThan(size + 2 * 1024 * 1024);
    expect(await sourceOf(created.upload_id)).toBeNull();
  });

  it("a body shorter than declared is refused (400), nothing stored", async () => {
    const { app, created, url } = await setUp(1024 * 1024);
    const body = countingBody(1000);
    const response = await app.request(url.toString(), { method: "PUT", headers: created.upload.headers, body: body.body, duplex: "half" } as RequestInit);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ detail: "The body ended after 1000 of the declared 1048576 bytes." });
    expect(await sourceOf(created.upload_id)).toBeNull();
  });
});
