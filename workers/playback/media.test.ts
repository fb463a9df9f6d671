import { beforeAll, describe, expect, it } from "vitest";
import { signMediaUrl } from "./media-url.ts";
import { bearer, playbackApp, seedTracks, signUpListener, stream, viaSelf, type Listener, type SeededTrack, type Send } from "./testing.ts";
import type { MediaUrlSigner } from "./media-url.ts";

const signingKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

interface Problem {
  type: string;
  code: string;
}

/** Seeded, so a failure names offsets that can be replayed. */
function offsets(count: number, below: number, seed = 42): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % below;
  });
}

describe("media endpoint: Range, HEAD, ETag and signed URLs", () => {
  let app: { request: Send; signer: MediaUrlSigner };
  let track: SeededTrack;
  let listener: Listener;
  let url: string;

  beforeAll(async () => {
    app = await playbackApp({ MEDIA_SIGNING_KEY: signingKey });
    track = (await seedTracks()).published;
    listener = await signUpListener(app.request, false);
    url = (await stream(app.request, listener, track.trackId)).url;
  });

  const get = (target: string, headers: Record<string, string> = {}, method = "GET") => app.request(target, { method, headers });

  it("serves the whole object with its type, length, ETag and Accept-Ranges", async () => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("audio/mp4");
    expect(response.headers.get("content-length")).toBe(String(track.standard.byteLength));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("etag")).toMatch(/^"[^"]+"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(track.standard);
  });

  it("returns the exact bytes of ranges at random offsets, open-ended and suffix ranges", async () => {
    const size = track.standard.byteLength;
    for (const start of offsets(12, size)) {
      const end = Math.min(size - 1, start + (start % 5000));
      const response = await get(url, { range: `bytes=${start}-${end}` });
      expect(response.status).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(response.headers.get("content-length")).toBe(String(end - start + 1));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(track.standard.slice(start, end + 1));
    }
    const open = await get(url, { range: `bytes=${size - 1000}-` });
    expect(open.headers.get("content-range")).toBe(`bytes ${size - 1000}-${size - 1}/${size}`);
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(track.standard.slice(size - 1000));
    const suffix = await get(url, { range: "bytes=-777" });
    expect(suffix.status).toBe(206);
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(track.standard.slice(size - 777));
    // A suffix longer than the object is the whole object, as a 206.
    const longSuffix = await get(url, { range: `bytes=-${size * 2}` });
    expect(longSuffix.headers.get("content-range")).toBe(`bytes 0-${size - 1}/${size}`);
    // An end past the object is cut to it.
    const pastEnd = await get(url, { range: `bytes=10-${size * 3}` });
    expect(new Uint8Array(await pastEnd.arrayBuffer())).toEqual(track.standard.slice(10));
  });

  it("answers 416 for a range starting past the end, with the size", async () => {
    const size = track.standard.byteLength;
    for (const range of [`bytes=${size}-`, `bytes=${size + 10}-${size + 20}`, "bytes=-0"]) {
      const response = await get(url, { range });
      expect(response.status, range).toBe(416);
      expect(response.headers.get("content-range")).toBe(`bytes */${size}`);
      expect((await response.json<Problem>()).type).toBe("https://tunec.dev/problems/range-not-satisfiable");
    }
  });

  it("ignores ranges it does not serve (several ranges, other units) and sends the whole object", async () => {
    for (const range of ["bytes=0-1,5-9", "items=0-5", "bytes=9-3"]) {
      const response = await get(url, { range });
      expect(response.status).toBe(200);
      expect(Number(response.headers.get("content-length"))).toBe(track.standard.byteLength);
      await response.arrayBuffer();
    }
  });

  it("answers HEAD with the headers only, for ranges too", async () => {
    const head = await get(url, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(track.standard.byteLength));
    expect(await head.text()).toBe("");
    const ranged = await get(url, { range: "bytes=100-199" }, "HEAD");
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe(`bytes 100-199/${track.standard.byteLength}`);
  });

  it("answers 304 to If-None-Match with the current ETag, and honours If-Range", async () => {
    const etag = (await get(url, {}, "HEAD")).headers.get("etag") ?? "";
    const notModified = await get(url, { "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("etag")).toBe(etag);
    expect(await notModified.text()).toBe("");
    expect((await get(url, { "if-none-match": `W/${etag}, "other"` })).status).toBe(304);
    const changed = await get(url, { "if-none-match": '"something-else"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
    expect((await get(url, { range: "bytes=0-9", "if-range": etag })).status).toBe(206);
    const stale = await get(url, { range: "bytes=0-9", "if-range": '"old"' });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it("refuses tampered, expired and other listeners' URLs with 403 problems", async () => {
    const tampered = (edit: (u: URL) => void) => {
      const u = new URL(url);
      edit(u);
      return u.toString();
    };
    const forged = [
      tampered((u) => u.searchParams.set("s", `${(u.searchParams.get("s") ?? "").slice(0, -2)}AA`)),
      tampered((u) => u.searchParams.set("u", crypto.randomUUID())),
      tampered((u) => u.searchParams.set("e", String(Number(u.searchParams.get("e")) + 3600))),
      tampered((u) => u.searchParams.delete("l")),
      tampered((u) => (u.pathname = u.pathname.replace("standard.m4a", "high.m4a"))),
      tampered((u) => u.searchParams.delete("s")),
    ];
    for (const target of forged) {
      const response = await get(target);
      expect(response.status, target).toBe(403);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect((await response.json<Problem>()).code).toBe("MEDIA_URL_INVALID");
    }

    const expired = await signMediaUrl(app.signer, {
      origin: "https://tunec.test",
      userId: listener.userId,
      objectKey: track.standardKey,
      leaseId: new URL(url).searchParams.get("l"),
      expiresInSeconds: 60,
      now: Date.now() - 120_000,
    });
    const late = await get(expired.url);
    expect(late.status).toBe(403);
    expect((await late.json<Problem>()).type).toBe("https://tunec.dev/problems/media-url-expired");

    // Another listener presenting this listener's URL with their own token.
    const other = await signUpListener(app.request, false);
    const stolen = await app.request(url, { headers: bearer(other.token) });
    expect(stolen.status).toBe(403);
    expect((await stolen.json<Problem>()).code).toBe("MEDIA_URL_INVALID");
    // The owner with a token is fine.
    const own = await app.request(url, { headers: { ...bearer(listener.token), range: "bytes=0-0" } });
    expect(own.status).toBe(206);
  });

  it("allows only GET and HEAD", async () => {
    const response = await app.request(url, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("serves a lease-free URL (ads) without consulting the stream lease", async () => {
    const signed = await signMediaUrl(app.signer, { origin: "https://tunec.test", userId: listener.userId, objectKey: track.highKey, expiresInSeconds: 60 });
    const response = await get(signed.url, { range: "bytes=-10" });
    expect(response.status).toBe(206);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(track.high.slice(-10));
  });
});

describe("media endpoint in the Worker: the edge cache", () => {
  it("fills the Cache API after a miss and serves exact ranges from it", async () => {
    const track = (await seedTracks()).published;
    const listener = await signUpListener(viaSelf, true);
    const { url } = await stream(viaSelf, listener, track.trackId);
    const first = await viaSelf(url, { headers: { range: "bytes=0-1023" } });
    expect(first.headers.get("x-edge-cache")).toBe("MISS");
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(track.high.slice(0, 1024));
    // The fill runs after the response (waitUntil): poll until a request hits.
    const deadline = Date.now() + 10_000;
    let hit: Response | undefined;
    while (Date.now() < deadline) {
      const response = await viaSelf(url, { headers: { range: "bytes=5000-5999" } });
      if (response.headers.get("x-edge-cache") === "HIT") {
        hit = response;
        break;
      }
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(track.high.slice(5000, 6000));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(hit?.status).toBe(206);
    expect(new Uint8Array(await (hit as Response).arrayBuffer())).toEqual(track.high.slice(5000, 6000));
    const suffix = await viaSelf(url, { headers: { range: "bytes=-300" } });
    expect(suffix.headers.get("x-edge-cache")).toBe("HIT");
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(track.high.slice(-300));
    const whole = await viaSelf(url);
    expect(whole.headers.get("x-edge-cache")).toBe("HIT");
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(track.high);
  });
});
