import { spawn } from "node:child_process";
import type { AudioFormat } from "../../shared/storage/audio-formats.ts";

export interface FfmpegResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last 64 KiB of stderr: ffmpeg's diagnostics end up there. */
  stderr: string;
  timedOut: boolean;
}

export class FfmpegError extends Error {
  override readonly name = "FfmpegError";
  constructor(
    message: string,
    readonly result: FfmpegResult,
  ) {
    super(`${message}: ${result.stderr.trim().split("\n").slice(-5).join(" | ")}`);
  }
}

const tailBytes = 64 * 1024;

/**
 * Runs ffmpeg as a child process with a hard time limit: on timeout or abort it
 * gets SIGKILL, so a wedged encode never holds a worker (or its lease) forever.
 * @example await runFfmpeg(["-i", "in.flac", "out.m4a"], { timeoutMs: 60_000 })
 */
export function runFfmpeg(args: readonly string[], options: { timeoutMs: number; signal?: AbortSignal; binary?: string }): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.binary ?? "ffmpeg", ["-nostdin", "-hide_banner", "-nostats", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout = (stdout + chunk).slice(-tailBytes);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-tailBytes);
    });
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", kill, { once: true });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** Last `out_time_us` of `-progress pipe:1`: how much audio ffmpeg actually got through. */
export function progressDurationMs(stdout: string): number | undefined {
  const matches = [...stdout.matchAll(/^out_time_us=(\d+)$/gm)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? undefined : Math.round(Number(last) / 1000);
}

/** The integrated loudness (LUFS) from the `ebur128` filter's summary. */
export function integratedLoudness(stderr: string): number | undefined {
  const summary = stderr.lastIndexOf("Integrated loudness:");
  if (summary < 0) return undefined;
  const match = /I:\s+(-?\d+(?:\.\d+)?|-inf)\s+LUFS/.exec(stderr.slice(summary));
  if (!match?.[1]) return undefined;
  return match[1] === "-inf" ? -70 : Number(match[1]);
}

/**
 * ffmpeg's demuxer for each format validation accepts. Untrusted input is
 * never left to ffmpeg's own guessing: a "file" that is really a playlist
 * (HLS, concat, a .ffconcat or an SDP) would make it open other files or URLs.
 */
export const ffmpegDemuxers: Record<AudioFormat, string> = {
  mp3: "mp3",
  flac: "flac",
  wav: "wav",
  aac: "aac",
  m4a: "mov",
  vorbis: "ogg",
  opus: "ogg",
};

/** The input arguments for an uploaded file: only the local file protocol, and the demuxer of the detected format. */
export function untrustedInput(path: string, format: AudioFormat): string[] {
  return ["-protocol_whitelist", "file", "-f", ffmpegDemuxers[format], "-i", path];
}
