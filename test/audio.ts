/**
 * Real audio for the ingestion suites, synthesised by ffmpeg (lavfi sources):
 * nothing is checked in, every file is made in a temporary directory.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Whether ffmpeg can be run; suites skip themselves without it, except in CI. */
export function hasFfmpeg(): boolean {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI === "true") throw new Error("CI=true but ffmpeg is missing: apt-get install -y ffmpeg");
    console.warn("ffmpeg is not installed (apt-get install -y ffmpeg): skipping the suites that need it");
    return false;
  }
}

export type AudioKind = "mp3" | "flac" | "wav" | "m4a" | "ogg" | "opus" | "aac";

const encoders: Record<AudioKind, string[]> = {
  mp3: ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
  flac: ["-c:a", "flac", "-f", "flac"],
  wav: ["-c:a", "pcm_s16le", "-f", "wav"],
  m4a: ["-c:a", "aac", "-b:a", "128k", "-f", "ipod"],
  ogg: ["-c:a", "libvorbis", "-q:a", "3", "-f", "ogg"],
  opus: ["-c:a", "libopus", "-b:a", "64k", "-f", "ogg"],
  aac: ["-c:a", "aac", "-b:a", "128k", "-f", "adts"],
};

export const contentTypes: Record<AudioKind, string> = {
  mp3: "audio/mpeg",
  flac: "audio/flac",
  wav: "audio/wav",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  opus: "audio/ogg",
  aac: "audio/aac",
};

export interface AudioWorkbench {
  dir: string;
  /** A tone of `seconds` (a chord of `frequencies`), optionally with an embedded cover. */
  make(name: string, kind: AudioKind, options?: { seconds?: number; frequencies?: number[]; cover?: boolean; mono8k?: boolean }): Promise<string>;
  /** The first half of a file's bytes. */
  truncate(source: string, name: string): Promise<string>;
  /** A small JPEG image. */
  jpeg(name: string): Promise<string>;
  bytes(path: string): Promise<Uint8Array<ArrayBuffer>>;
  size(path: string): Promise<number>;
  cleanup(): Promise<void>;
}

export async function createAudioWorkbench(): Promise<AudioWorkbench> {
  const dir = await mkdtemp(join(tmpdir(), "tunec-audio-"));
  return {
    dir,
    async make(name, kind, options = {}) {
      const seconds = options.seconds ?? 6;
      const frequencies = options.frequencies ?? [440];
      const out = join(dir, name);
      const inputs = options.mono8k
        ? ["-f", "lavfi", "-i", `sine=frequency=${frequencies[0]}:sample_rate=8000:duration=${seconds}`]
        : frequencies.flatMap((f) => ["-f", "lavfi", "-i", `sine=frequency=${f}:duration=${seconds}`]);
      const mix = !options.mono8k && frequencies.length > 1 ? ["-filter_complex", `amix=inputs=${frequencies.length}`] : [];
      const cover = options.cover ? ["-f", "lavfi", "-i", "color=c=0x3366cc:s=96x96:d=1"] : [];
      const coverMaps = options.cover
        ? ["-map", mix.length ? "[a]" : "0:a", "-map", `${frequencies.length}:v`, "-frames:v", "1", "-c:v", "mjpeg", "-disposition:v", "attached_pic"]
        : [];
      const filter = mix.length && options.cover ? ["-filter_complex", `amix=inputs=${frequencies.length}[a]`] : mix;
      const encoder = options.mono8k && kind === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "8k", "-f", "mp3"] : encoders[kind];
      await run("ffmpeg", ["-v", "error", "-y", ...inputs, ...cover, ...filter, ...coverMaps, ...encoder, out], { timeout: 120_000 });
      return out;
    },
    async truncate(source, name) {
      const bytes = await readFile(source);
      const out = join(dir, name);
      await writeFile(out, bytes.subarray(0, Math.floor(bytes.length / 2)));
      return out;
    },
    async jpeg(name) {
      const out = join(dir, name);
      await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=s=128x128:d=1", "-frames:v", "1", "-f", "mjpeg", out]);
      return out;
    },
    bytes: async (path) => {
      const file = await readFile(path);
      return new Uint8Array(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    },
    size: async (path) => (await stat(path)).size,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
