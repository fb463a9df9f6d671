import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { appWith, bearer, signUpArtist, withDb } from "./testing.ts";

const signingKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const MiB = 1024 * 1024;

interface Part {
  part_number: number;
  url: string;
  size: number;
}
interface Multipart {
  upload_id: string;
  upload: { method: "MULTIPART"; part_size: number; parts: Part[] };
}

/** Bytes whose every position differs from its neighbours', so a misplaced part shows. */
function pattern(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) bytes[index] = (index * 31 + seed) & 0xff;
  return bytes;
}

const digest = async (bytes: ArrayBuffer | Uint8Array<ArrayBuffer>) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((byte) => byte.toString(16).padStart(2, "0")).join("");

async function setUp(size = 11 * MiB) {
  const app = appWith({ UPLOAD_SIGNING_KEY: signingKey, UPLOAD_MULTIPART_THRESHOLD_BYTES: String(5 * MiB), UPLOAD_PART_SIZE_BYTES: String(5 * MiB) });
  const artist = await signUpArtist("Части", app.request);
  const response = await app.request("/tracks", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(artist.token) },
    body: JSON.stringify({ title: "Длинный микс", content_type: "audio/flac", size_bytes: size }),
  });
  expect(response.status).toBe(201);
  const created = await response.json<Multipart>();
  const file = pattern(size, 7);
  const bytesOf = (part: Part) => file.slice((part.part_number - 1) * created.upload.part_size, (part.part_number - 1) * created.upload.part_size + part.size);
  const put = (part: Part, body: Uint8Array<ArrayBuffer> = bytesOf(part), url = part.url) => app.request(url, { method: "PUT", body });
  const post = (path: string, token = artist.token, body?: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { ...bearer(token), ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  return { app, artist, created, file, put, post };
}

describe("multipart uploads through the edge (R2 binding)", () => {
  it("a file over the threshold goes up in signed parts, in any order, and completes into the exact bytes", async () => {
    const { created, file, put, post } = await setUp();
    expect(created.upload.method).toBe("MULTIPART");
    expect(created.upload.parts.map((part) => [part.part_number, part.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, MiB],
    ]);
    const [first, second, third] = created.upload.parts;
    if (!first || !second || !third) throw new Error("three parts expected");
    const etags = new Map<number, string>();
    for (const part of [third, first, second]) {
      const response = await put(part);
      expect(response.status, await response.clone().text()).toBe(200);
      const etag = response.headers.get("etag") ?? "";
      expect(etag).toMatch(/^".+"$/);
      etags.set(part.part_number, etag);
    }
    const completed = await post(`/uploads/${created.upload_id}/complete`, undefined, {
      parts: [...etags].map(([part_number, etag]) => ({ part_number, etag })),
    });
    expect(completed.status).toBe(202);
    expect(await completed.json()).toMatchObject({ status: "uploaded", size_bytes: file.byteLength });
    const stored = await env.MEDIA.get(`uploads/${created.upload_id}/source`);
    expect(await digest((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toBe(await digest(file));
  });

  it("refuses a part URL used for another part, a tampered size, and bodies that do not match the part (nothing stored)", async () => {
    const { created, put } = await setUp();
    const [first, second] = created.upload.parts;
    if (!first || !second) throw new Error("parts expected");
    const swapped = new URL(first.url);
    swapped.pathname = swapped.pathname.replace(/\/parts\/1$/, "/parts/2");
    expect((await put(second, undefined, swapped.toString())).status).toBe(403);
    const resized = new URL(first.url);
    resized.searchParams.set("size", String(4 * MiB));
    expect((await put(first, pattern(4 * MiB, 1), resized.toString())).status).toBe(403);
    expect((await put(first, pattern(5 * MiB + 1, 1))).status).toBe(413);
    expect((await put(first, pattern(MiB, 1))).status).toBe(400);
    expect(await withDb((db) => db.selectFrom("ingestion.upload_parts").selectAll().where("upload_id", "=", created.upload_id).execute())).toEqual([]);
  });

  it("resumes: fresh URLs and the parts already stored; completes from the recorded parts; then takes no more", async () => {
    const { app, created, file, put, post } = await setUp();
    const [first, second, third] = created.upload.parts;
    if (!first || !second || !third) throw new Error("three parts expected");
    const firstTag = (await put(first)).headers.get("etag");

    const stranger = await signUpArtist("Чужой", app.request);
    expect((await post(`/uploads/${created.upload_id}/resume`, stranger.token)).status).toBe(403);
    const credentials = JSON.stringify({ email: `listener-${crypto.randomUUID()}@example.com`, password: "violet accordion harbour 42" });
    expect((await app.request("/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body: credentials })).status).toBe(202);
    const listener = await (await app.request("/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: credentials })).json<{
      access_token: string;
    }>();
    expect((await post(`/uploads/${created.upload_id}/resume`, listener.access_token)).status).toBe(403);
    expect((await app.request(`/uploads/${created.upload_id}/resume`, { method: "POST" })).status).toBe(401);
    const resumed = await post(`/uploads/${created.upload_id}/resume`);
    expect(resumed.status).toBe(200);
    const fresh = await resumed.json<{ upload: Multipart["upload"]; uploaded_parts: { part_number: number; size: number; etag: string }[] }>();
    expect(fresh.uploaded_parts).toEqual([{ part_number: 1, size: 5 * MiB, etag: firstTag?.replaceAll('"', "") }]);
    expect(fresh.upload.parts.map((part) => part.part_number)).toEqual([1, 2, 3]);
    for (const part of fresh.upload.parts.filter((part) => part.part_number > 1)) expect((await put(part)).status).toBe(200);

    // No ETags sent: the edge completes from the parts it recorded.
    const completed = await post(`/uploads/${created.upload_id}/complete`);
    expect(completed.status).toBe(202);
    expect(await completed.json()).toMatchObject({ status: "uploaded", size_bytes: file.byteLength });
    expect((await post(`/uploads/${created.upload_id}/resume`)).status).toBe(409);
    expect((await put(second)).status).toBe(409);
  });

  it("a completion with a wrong ETag is refused and may be repeated with the right ones", async () => {
    const { created, put, post } = await setUp(6 * MiB);
    const parts = [];
    for (const part of created.upload.parts) parts.push({ part_number: part.part_number, etag: (await put(part)).headers.get("etag") ?? "" });
    const wrong = parts.map((part, index) => (index === 0 ? { ...part, etag: '"0000"' } : part));
    expect((await post(`/uploads/${created.upload_id}/complete`, undefined, { parts: wrong })).status).toBe(400);
    expect((await post(`/uploads/${created.upload_id}/complete`, undefined, { parts })).status).toBe(202);
  });

  it("a file at or under the threshold still goes up in one PUT", async () => {
    const { app, artist } = await setUp(6 * MiB);
    const response = await app.request("/tracks", {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(artist.token) },
      body: JSON.stringify({ title: "Короткая", content_type: "audio/flac", size_bytes: 5 * MiB }),
    });
    expect(((await response.json()) as { upload: { method: string } }).upload.method).toBe("PUT");
  });
});
