/**
 * One ffmpeg run makes both renditions and measures loudness: the decoded
 * audio is split three ways, to AAC at 128 kbit/s (standard), AAC at
 * 256 kbit/s (high) and the EBU R128 meter. AAC in MP4 with the index up front
 * (+faststart) plays in every browser and streams with HTTP Range.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { parseFile } from "music-metadata";
import type { StoredRendition } from "../../shared/db/ingestion.table.ts";
import type { AudioFormat } from "../../shared/storage/audio-formats.ts";
import { FfmpegError, integratedLoudness, runFfmpeg, untrustedInput } from "./ffmpeg.ts";

export const renditionSpecs = [
  { quality: "standard", bitrateKbps: 128, file: "standard.m4a" },
  { quality: "high", bitrateKbps: 256, file: "high.m4a" },
] as const;

export interface EncodedTrack {
  renditions: Array<Omit<StoredRendition, "objectKey"> & { path: string; file: string }>;
  loudnessLufs: number;
  cover: { data: Uint8Array; contentType: string; extension: string } | undefined;
}

export async function encodeTrack(
  source: string,
  workDir: string,
  options: { format: AudioFormat; timeoutMs: number; signal?: AbortSignal; ffmpeg?: string },
): Promise<EncodedTrack> {
  const outputs = renditionSpecs.flatMap((spec, index) => [
    "-map",
    `[r${index}]`,
    "-c:a",
    "aac",
    "-b:a",
    `${spec.bitrateKbps}k`,
    "-ar",
    "44100",
    "-ac",
    "2",
    "-map_metadata",
    "-1",
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    "-y",
    join(workDir, spec.file),
  ]);
  const result = await runFfmpeg(
    [
      "-v",
      "info",
      ...untrustedInput(source, options.format),
      "-filter_complex",
      "[0:a:0]asplit=3[r0][r1][m];[m]ebur128=framelog=verbose[metered]",
      ...outputs,
      "-map",
      "[metered]",
      "-f",
      "null",
      "-",
    ],
    { timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}), ...(options.ffmpeg ? { binary: options.ffmpeg } : {}) },
  );
  if (result.timedOut) throw new FfmpegError(`ffmpeg timed out after ${options.timeoutMs} ms`, result);
  if (result.code !== 0) throw new FfmpegError(`ffmpeg exited with ${result.code ?? result.signal}`, result);
  const loudness = integratedLoudness(result.stderr);
  if (loudness === undefined) throw new FfmpegError("ffmpeg printed no integrated loudness", result);

  const renditions = await Promise.all(
    renditionSpecs.map(async (spec) => {
      const path = join(workDir, spec.file);
      return {
        quality: spec.quality,
        codec: "aac" as const,
        mimeType: "audio/mp4",
        bitrateKbps: spec.bitrateKbps,
        sizeBytes: (await stat(path)).size,
        path,
        file: spec.file,
      };
    }),
  );
  return { renditions, loudnessLufs: clampLoudness(loudness), cover: await embeddedCover(source) };
}

/** The catalog stores −70…+10 LUFS; digital silence measures −inf (−70 here). */
function clampLoudness(lufs: number): number {
  return Math.min(10, Math.max(-70, Math.round(lufs * 100) / 100));
}

const imageTypes: Record<string, string> = { "image/jpeg": "jpg", "image/jpg": "jpg", "image/png": "png", "image/webp": "webp" };

/** The front cover (or the first picture) embedded in the source, if any. */
async function embeddedCover(source: string): Promise<EncodedTrack["cover"]> {
  const metadata = await parseFile(source, { duration: false, skipCovers: false });
  const pictures = metadata.common.picture ?? [];
  const picture = pictures.find((p) => /front/i.test(p.type ?? "")) ?? pictures[0];
  if (!picture) return undefined;
  const contentType = picture.format
    .toLowerCase()
    .replace(/^jpg$/, "image/jpeg")
    .replace(/^(png|jpeg|webp)$/, "image/$1");
  const extension = imageTypes[contentType];
  if (!extension || picture.data.byteLength === 0) return undefined;
  return { data: picture.data, contentType, extension };
}
