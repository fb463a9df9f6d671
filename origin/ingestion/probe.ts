/**
 * Validation on the real bytes: music-metadata identifies the container and
 * codec from the content (never from a name or the declared type), and one
 * full ffmpeg decode proves the audio is all there. A file passes only if it
 * is a supported format, matches its declared type, decodes without errors to
 * (about) the length its header promises, and lasts 5 s – 20 min.
 */
import { parseFile, type IAudioMetadata } from "music-metadata";
import type { uploadRejectionCodes } from "../../shared/events/ingestion-events.ts";
import { audioFormats, formatAllowsContentType, uploadLimits, type AudioFormat } from "../../shared/storage/audio-formats.ts";
import { progressDurationMs, runFfmpeg, untrustedInput } from "../transcoder/ffmpeg.ts";
import { detectFormat } from "./formats.ts";

export type RejectionCode = (typeof uploadRejectionCodes)[number];

export interface ProbeReport {
  sizeBytes: number;
  container?: string | undefined;
  codec?: string | undefined;
  format?: AudioFormat | undefined;
  sampleRate?: number | undefined;
  channels?: number | undefined;
  bitrate?: number | undefined;
  headerDurationMs?: number | undefined;
  decodedDurationMs?: number | undefined;
  warnings: string[];
}

export type ProbeResult =
  | { ok: true; format: AudioFormat; durationMs: number; report: ProbeReport }
  | { ok: false; code: RejectionCode; message: string; report: ProbeReport };

// music-metadata's own signs of a file cut short.
const truncationWarnings = [/data chunk length exceeding file length/i, /end-of-stream reached before/i];
const truncationErrors = /end-of-stream|exceeds remaining bytes|unexpected end/i;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export interface ProbeOptions {
  ffmpeg?: string;
  decodeTimeoutMs?: number;
  signal?: AbortSignal;
}

export async function probeAudio(path: string, sizeBytes: number, declaredContentType: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const report: ProbeReport = { sizeBytes, warnings: [] };
  const reject = (code: RejectionCode, message: string): ProbeResult => ({ ok: false, code, message, report });
  if (sizeBytes === 0) return reject("empty_file", "The file is empty (0 bytes).");
  if (sizeBytes > uploadLimits.maxBytes) {
    return reject("too_large", `The file is ${(sizeBytes / 1024 / 1024).toFixed(0)} MiB; the limit is ${uploadLimits.maxBytes / 1024 / 1024} MiB.`);
  }

  let metadata: IAudioMetadata;
  try {
    // The path has no extension on purpose: the parser must sniff the content.
    metadata = await parseFile(path, { duration: true, skipCovers: true });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (truncationErrors.test(text)) return reject("truncated", `The file is cut short: ${text}.`);
    const guessed = /MIME-type not supported: ([\w./+-]+)/i.exec(text)?.[1];
    return reject(
      "unsupported_format",
      guessed
        ? `The file is ${guessed}, not audio in a supported format (MP3, FLAC, WAV, AAC/M4A, Ogg Vorbis/Opus).`
        : "The file could not be read as audio in a supported format (MP3, FLAC, WAV, AAC/M4A, Ogg Vorbis/Opus).",
    );
  }
  const { format } = metadata;
  Object.assign(report, {
    container: format.container,
    codec: format.codec,
    sampleRate: format.sampleRate,
    channels: format.numberOfChannels,
    bitrate: format.bitrate === undefined ? undefined : Math.round(format.bitrate),
    headerDurationMs: format.duration === undefined ? undefined : Math.round(format.duration * 1000),
    // Parsers quote raw header bytes; PostgreSQL's jsonb refuses \u0000.
    warnings: metadata.quality.warnings.map((warning) => warning.message.replace(/[\u0000-\u001f]/g, "?")),
  });
  const detected = detectFormat(format.container, format.codec);
  report.format = detected;
  if (!detected) {
    const found = [format.container, format.codec].filter(Boolean).join(" / ") || "no recognisable audio";
    return reject("unsupported_format", `The file holds ${found}; supported are MP3, FLAC, WAV, AAC/M4A, Ogg Vorbis/Opus.`);
  }
  if (!formatAllowsContentType(detected, declaredContentType)) {
    return reject("content_type_mismatch", `The upload was declared as ${declaredContentType}, but the file is ${audioFormats[detected].label}.`);
  }
  if (report.warnings.some((warning) => truncationWarnings.some((pattern) => pattern.test(warning)))) {
    return reject("truncated", "The file is cut short: its audio data ends before its header says it should.");
  }
  const header = report.headerDurationMs;
  // Cheap refusals before decoding: the header alone is decisive when far out of bounds.
  if (header !== undefined && header > uploadLimits.maxDurationMs + 1_000) return tooLong(header);

  const decoded = await runFfmpeg(["-v", "error", ...untrustedInput(path, detected), "-map", "0:a:0", "-f", "null", "-", "-progress", "pipe:1"], {
    timeoutMs: options.decodeTimeoutMs ?? 120_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.ffmpeg ? { binary: options.ffmpeg } : {}),
  });
  if (decoded.timedOut) throw new Error("decoding the upload timed out");
  const decodedMs = progressDurationMs(decoded.stdout);
  report.decodedDurationMs = decodedMs;
  const errors = decoded.stderr.trim();
  if (decoded.code !== 0 || decodedMs === undefined) {
    return reject("truncated", `The audio could not be decoded: ${errors.split("\n").at(-1) ?? "ffmpeg failed"}.`);
  }
  if (errors.length > 0) return reject("truncated", `The audio is damaged or cut short: ${errors.split("\n")[0]}.`);
  if (header !== undefined && decodedMs < header * 0.98 - 250) {
    return reject("truncated", `The file is cut short: its header promises ${seconds(header)} of audio, but only ${seconds(decodedMs)} is there.`);
  }
  if (decodedMs < uploadLimits.minDurationMs) {
    return reject("too_short", `The track lasts ${seconds(decodedMs)}; tracks must last at least ${seconds(uploadLimits.minDurationMs)}.`);
  }
  if (decodedMs > uploadLimits.maxDurationMs) return tooLong(decodedMs);
  return { ok: true, format: detected, durationMs: decodedMs, report };

  function tooLong(ms: number): ProbeResult {
    return reject("too_long", `The track lasts ${(ms / 60_000).toFixed(1)} min; tracks may last at most ${uploadLimits.maxDurationMs / 60_000} min.`);
  }
}
