/**
 * The audio formats TUNEC accepts from artists, and the content types an
 * upload may declare for each. The edge checks the declared type when it
 * issues an upload URL; the origin checks the bytes match it.
 */
export const audioFormats = {
  mp3: { label: "MP3", contentTypes: ["audio/mpeg", "audio/mp3", "audio/mpeg3"] },
  flac: { label: "FLAC", contentTypes: ["audio/flac", "audio/x-flac"] },
  wav: { label: "WAV (PCM)", contentTypes: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"] },
  aac: { label: "AAC (ADTS)", contentTypes: ["audio/aac", "audio/aacp", "audio/x-aac"] },
  m4a: { label: "AAC in M4A/MP4", contentTypes: ["audio/mp4", "audio/x-m4a", "audio/m4a", "audio/aac"] },
  vorbis: { label: "Ogg Vorbis", contentTypes: ["audio/ogg", "audio/vorbis", "application/ogg"] },
  opus: { label: "Ogg Opus", contentTypes: ["audio/ogg", "audio/opus", "application/ogg"] },
} as const;

export type AudioFormat = keyof typeof audioFormats;

export function isAudioFormat(value: string | null | undefined): value is AudioFormat {
  return typeof value === "string" && Object.hasOwn(audioFormats, value);
}

export const acceptedContentTypes: readonly string[] = [...new Set(Object.values(audioFormats).flatMap((format) => format.contentTypes))];

/** Size, duration limits of an upload. */
export const uploadLimits = {
  // 500 MiB; ingestion.uploads checks the same bound.
  maxBytes: 500 * 1024 * 1024,
  minDurationMs: 5_000,
  maxDurationMs: 20 * 60_000,
} as const;

/** `audio/MPEG; charset=x` → `audio/mpeg`. */
export function normaliseContentType(value: string): string {
  return (value.split(";")[0] ?? "").trim().toLowerCase();
}

export function isAcceptedContentType(value: string): boolean {
  return acceptedContentTypes.includes(normaliseContentType(value));
}

export function formatAllowsContentType(format: AudioFormat, contentType: string): boolean {
  return (audioFormats[format].contentTypes as readonly string[]).includes(normaliseContentType(contentType));
}
