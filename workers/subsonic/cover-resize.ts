/**
 * getCoverArt?size=N: a JPEG no wider or taller than one of a few sizes, made
 * once per cover and size and kept in the media bucket beside the original
 * (`covers/resized/<size>/<original key>.jpg`), so each variant is decoded and
 * encoded once, then served like any object (edge cache, ETag, Range).
 *
 * Resized in the Worker with Photon compiled to WebAssembly
 * (@cf-wasm/photon, its workerd build): it runs in workerd, so tests and
 * `wrangler dev` exercise the same code as production, and needs no paid
 * Images binding. Loaded on the first resize only (1.5 MB of wasm).
 * docs/subsonic.md says why not the Images binding or @jsquash.
 */

/** Requested sizes snap up to one of these, so at most five variants of a cover exist. */
export const coverSizes = [64, 128, 256, 512, 1024] as const;
/** Originals larger than this are served as they are: decoding them could exhaust the isolate's memory. */
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

/**
 * The image scaled down to fit `size`×`size` (aspect kept), as JPEG; null when
 * it is not an image Photon decodes, is too large, or already fits.
 */
export async function resizeCover(source: Uint8Array, size: number): Promise<Uint8Array | null> {
  if (source.byteLength > maxSourceBytes) return null;
  const photon = await import("@cf-wasm/photon");
  let image: InstanceType<typeof photon.PhotonImage>;
  try {
    image = photon.PhotonImage.new_from_byteslice(source);
  } catch {
    return null;
  }
  try {
    const width = image.get_width();
    const height = image.get_height();
    if (width * height > maxSourcePixels || (width <= size && height <= size)) return null;
    const scale = size / Math.max(width, height);
    const resized = photon.resize(image, Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), photon.SamplingFilter.Lanczos3);
    try {
      return resized.get_bytes_jpeg(jpegQuality);
    } finally {
      resized.free();
    }
  } finally {
    image.free();
  }
}
