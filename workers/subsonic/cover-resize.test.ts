import { env } from "cloudflare:test";
import { PhotonImage } from "@cf-wasm/photon";
import { beforeAll, describe, expect, it } from "vitest";
import { type CoverImages, coverImagesOf, resizeCover, resizedCoverKey, snapCoverSize } from "./cover-resize.ts";
import { listenerWithKey, rest, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

/** A real 600×300 JPEG (a gradient), so the resizer has something to decode. */
function jpeg(width: number, height: number): Uint8Array {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) pixels.set([(i % width) % 256, Math.floor(i / width) % 256, 128, 255], i * 4);
  const image = new PhotonImage(pixels, width, height);
  try {
    return image.get_bytes_jpeg(90);
  } finally {
    image.free();
  }
}

function dimensions(bytes: Uint8Array): { width: number; height: number } {
  const image = PhotonImage.new_from_byteslice(bytes);
  try {
    return { width: image.get_width(), height: image.get_height() };
  } finally {
    image.free();
  }
}

describe("getCoverArt with size, in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  let original: Uint8Array;
  beforeAll(async () => {
    [listener, library] = await Promise.all([listenerWithKey(false), seedLibrary()]);
    original = jpeg(600, 300);
    await env.MEDIA.put(library.coverKey, original, { httpMetadata: { contentType: "image/jpeg" } });
  });

  it("snaps a requested size up to one of a few, the original past the largest", () => {
    expect([1, 64, 65, 200, 300, 1024].map(snapCoverSize)).toEqual([64, 64, 128, 256, 512, 1024]);
    expect([undefined, 0, -5, 1025, 100_000].map(snapCoverSize)).toEqual([null, null, null, null, null]);
  });

  it("answers a JPEG that fits the snapped size, aspect kept, and keeps it in the bucket", async () => {
    const id = `al-${library.albumId}`;
    const response = await rest("getCoverArt", { apiKey: listener.apiKey, id, size: 100 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(dimensions(bytes)).toEqual({ width: 128, height: 64 });
    const stored = await env.MEDIA.get(resizedCoverKey(library.coverKey, 128));
    if (!stored) throw new Error("the resized cover was not stored");
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    // The second ask is served from the stored variant: same bytes, same ETag.
    const again = await rest("getCoverArt", { apiKey: listener.apiKey, id, size: 128 });
    expect(again.headers.get("etag")).toBe(response.headers.get("etag"));
    expect(new Uint8Array(await again.arrayBuffer())).toEqual(bytes);
  }, 30_000);

  it("serves the original without size, past the largest size, or when it is already small enough", async () => {
    const id = `al-${library.albumId}`;
    for (const size of [undefined, 5000, 1024]) {
      const response = await rest("getCoverArt", { apiKey: listener.apiKey, id, ...(size ? { size } : {}) });
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(original);
    }
  }, 30_000);

  it("serves the original when the resizer fails or is missing, instead of failing", async () => {
    const broken: CoverImages = {
      info: async () => {
        throw new Error("Images unavailable");
      },
      input: () => {
        throw new Error("Images unavailable");
      },
    };
    expect(await resizeCover(broken, original, 128)).toBeNull();
    const failingOutput: CoverImages = {
      info: async () => ({ format: "image/jpeg", width: 600, height: 300 }),
      input: () => ({ transform: () => ({ output: () => Promise.reject(new Error("quota")) }) }),
    };
    expect(await resizeCover(failingOutput, original, 128)).toBeNull();
    expect(coverImagesOf({})).toBeNull();
    expect(coverImagesOf(env)).not.toBeNull();
  });
});
