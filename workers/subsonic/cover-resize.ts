/**
 * getCoverArt?size=N: a JPEG no wider or taller than one of a few sizes, made
 * once per cover and size and kept in the media bucket beside the original
 * (`covers/resized/<size>/<original key>.jpg`), so each variant is decoded and
 * encoded once, then served like any object (edge cache, ETag, Range).
 *
 * Resized by Cloudflare's Images binding (`[images]` in wrangler.toml), not in
 * the gateway: the Photon WebAssembly build that did it before was 0.6 MB of
 * the Worker's 1.1 MB gzip upload. Miniflare emulates the binding with Sharp, so
 * `npm start` and the workerd tests resize through the same calls as production.
 * Without the binding, or when it fails, the original is served.
 * docs/subsonic.md says why.
 */

/** The slice of the Images binding used here (ImagesBinding in @cloudflare/workers-types). */
export interface CoverImages {
  info(stream: ReadableStream<Uint8Array>): Promise<{ format: string; width?: number; height?: number }>;
  input(stream: ReadableStream<Uint8Array>): {
    transform(transform: { width: number; height: number; fit: "scale-down" }): {
      output(options: { format: "image/jpeg"; quality: number }): Promise<{ image(): ReadableStream<Uint8Array> }>;
    };
  };
}

/** Requested sizes snap up to one of these, so at most five variants of a cover exist. */
export const coverSizes = [64, 128, 256, 512, 1024] as const;
/** Originals larger than this are served as they are (the binding's own input limit is larger; this bounds the bytes held in the isolate). */
export const maxSourceBytes = 8 * 1024 * 1024;
const maxSourcePixels = 6000 * 6000;
const jpegQuality = 85;

/** The variant for a requested size: the smallest at least as large, or null for the original. */
export function snapCoverSize(requested: number | undefined): number | null {
  if (requested === undefined || !Number.isSafeInteger(requested) || requested <= 0) return null;
  return coverSizes.find((size) => size >= requested) ?? null;
}

export function resizedCoverKey(originalKey: string, size: number): string {
  return `covers/resized/${size}/${originalKey}.jpg`;
}

const bytesStream = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body as ReadableStream<Uint8Array>;

/**
 * The image scaled down to fit `size`×`size` (aspect kept), as JPEG; null when
 * it is not an image the binding reads, is too large, already fits, or the
 * binding fails (the caller then serves the original: a cover is never refused
 * for want of a resizer).
 */
export async function resizeCover(images: CoverImages, source: Uint8Array, size: number): Promise<Uint8Array | null> {
  if (source.byteLength > maxSourceBytes) return null;
  try {
    const info = await images.info(bytesStream(source));
    if (info.width === undefined || info.height === undefined) return null; // SVG: nothing to rasterise
    if (info.width * info.height > maxSourcePixels || (info.width <= size && info.height <= size)) return null;
    const result = await images
      .input(bytesStream(source))
      .transform({ width: size, height: size, fit: "scale-down" })
      .output({ format: "image/jpeg", quality: jpegQuality });
    return new Uint8Array(await new Response(result.image()).arrayBuffer());
  } catch {
    return null;
  }
}

/** The Images binding when the Worker has one (IMAGES); null otherwise. */
export function coverImagesOf(env: unknown): CoverImages | null {
  const images = typeof env === "object" && env !== null ? (env as Record<string, unknown>).IMAGES : undefined;
  const candidate = images as Partial<CoverImages> | undefined;
  return candidate && typeof candidate.info === "function" && typeof candidate.input === "function" ? (candidate as CoverImages) : null;
}
