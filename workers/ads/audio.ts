/** Ad audio in the media bucket: what type a key or a file's first bytes say it is. */

interface AudioKind {
  extension: string;
  contentType: string;
}

const byExtension: Record<string, string> = {
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  mp4: "audio/mp4",
  aac: "audio/aac",
  ogg: "audio/ogg",
  opus: "audio/ogg",
  flac: "audio/flac",
  wav: "audio/wav",
};

/** `ads/x/spot.m4a` → `audio/mp4`; null for an unknown extension. */
export function audioContentTypeOf(key: string): string | null {
  const extension = key.split(".").at(-1)?.toLowerCase() ?? "";
  return byExtension[extension] ?? null;
}

const ascii = (bytes: Uint8Array, at: number, text: string) => [...text].every((char, i) => bytes[at + i] === char.charCodeAt(0));

/**
 * The container a file's magic bytes announce; null when it is none we serve.
 * A cheap guard against uploading an image or a document as a spot; the bytes
 * are not decoded at the edge.
 */
export function sniffAudio(bytes: Uint8Array): AudioKind | null {
  if (ascii(bytes, 4, "ftyp")) return { extension: "m4a", contentType: "audio/mp4" };
  if (ascii(bytes, 0, "OggS")) return { extension: "ogg", contentType: "audio/ogg" };
  if (ascii(bytes, 0, "fLaC")) return { extension: "flac", contentType: "audio/flac" };
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WAVE")) return { extension: "wav", contentType: "audio/wav" };
  if (ascii(bytes, 0, "ID3")) return { extension: "mp3", contentType: "audio/mpeg" };
  const [first = 0, second = 0] = bytes;
  // An MPEG frame sync: layer bits 01 (layer III) = MP3, 00 = AAC in ADTS.
  if (first === 0xff && (second & 0xe0) === 0xe0) {
    return (second & 0x06) === 0 ? { extension: "aac", contentType: "audio/aac" } : { extension: "mp3", contentType: "audio/mpeg" };
  }
  return null;
}
