import type { AudioFormat } from "../../shared/storage/audio-formats.ts";

/**
 * Maps music-metadata's container and codec names to an accepted format, or
 * undefined: MPEG layer 1/2, ALAC, FLAC-in-Ogg, Speex and the like are refused.
 */
export function detectFormat(container: string | undefined, codec: string | undefined): AudioFormat | undefined {
  const c = (container ?? "").toLowerCase();
  const k = (codec ?? "").toLowerCase();
  if (c === "mpeg" && /layer 3/.test(k)) return "mp3";
  if (c === "flac" && k === "flac") return "flac";
  if (c === "wave" && /^pcm|ieee_float|ieee float/.test(k)) return "wav";
  if (c.startsWith("adts") && /aac/.test(k)) return "aac";
  if (/^(m4a|mp4|isom|iso\d|mp42|m4b|dash)/.test(c) && /mpeg-4\/aac|^aac/.test(k)) return "m4a";
  if (c === "ogg" && /^vorbis/.test(k)) return "vorbis";
  if (c === "ogg" && k === "opus") return "opus";
  return undefined;
}
