/** Synthesises a demo track with ffmpeg's lavfi sources: real audio, made locally, nothing downloaded. */
import { runFfmpeg } from "../transcoder/ffmpeg.ts";
import type { AudioKind, DemoTrack } from "./catalog.ts";

export const demoContentTypes: Record<AudioKind, string> = {
  mp3: "audio/mpeg",
  flac: "audio/flac",
  wav: "audio/wav",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  opus: "audio/ogg",
};

const encoders: Record<AudioKind, string[]> = {
  mp3: ["-c:a", "libmp3lame", "-b:a", "192k", "-id3v2_version", "3", "-f", "mp3"],
  flac: ["-c:a", "flac", "-f", "flac"],
  wav: ["-c:a", "pcm_s16le", "-f", "wav"],
  m4a: ["-c:a", "aac", "-b:a", "192k", "-f", "ipod"],
  ogg: ["-c:a", "libvorbis", "-q:a", "5", "-f", "ogg"],
  opus: ["-c:a", "libopus", "-b:a", "96k", "-f", "ogg"],
};

/** Containers whose muxer in ffmpeg carries an attached cover picture. */
export const formatsWithCover: readonly AudioKind[] = ["mp3", "flac", "m4a"];

/** `if(lt(mod(t,L),a),x,if(...))`: the step of the progression that plays at time t. */
function stepExpression(values: number[], stepSeconds: number): string {
  const cycle = values.length * stepSeconds;
  return values
    .slice(0, -1)
    .reduceRight((rest, value, index) => `if(lt(mod(t,${cycle}),${(index + 1) * stepSeconds}),${value},${rest})`, String(values.at(-1) ?? 0));
}

function audioSource(track: DemoTrack): string {
  const beat = 60 / track.bpm;
  const frequencies = track.progression.map((semitones) => (track.root * 2 ** (semitones / 12)).toFixed(2));
  const d = track.seconds;
  switch (track.sound) {
    case "chords": {
      const f = stepExpression(frequencies.map(Number), beat * 4);
      const voice = (ratio: number, gain: number) => `${gain}*sin(2*PI*t*${ratio}*(${f}))`;
      return `aevalsrc='0.3*(0.4+0.6*exp(-2.5*mod(t,${beat.toFixed(4)})))*(${voice(1, 1)}+${voice(1.26, 0.7)}+${voice(1.5, 0.6)}+${voice(0.5, 0.8)})/3.1':s=44100:d=${d}`;
    }
    case "arpeggio": {
      const f = stepExpression(frequencies.map(Number), beat / 2);
      return `aevalsrc='0.35*exp(-5*mod(t,${(beat / 2).toFixed(4)}))*(sin(2*PI*t*(${f}))+0.3*sin(4*PI*t*(${f})))+0.12*sin(2*PI*t*${(track.root / 2).toFixed(2)})':s=44100:d=${d}`;
    }
    case "noise":
      return `anoisesrc=color=pink:amplitude=0.25:d=${d}:seed=${Math.round(track.root)},lowpass=f=${Math.round(track.root * 10)},tremolo=f=${(track.bpm / 60).toFixed(3)}:d=0.7`;
  }
}

/** Writes `out` in the track's format; with `cover` colours, embeds a generated cover picture. */
export async function synthesiseTrack(
  track: DemoTrack,
  out: string,
  options: { cover?: [string, string]; seed: number; signal?: AbortSignal; ffmpeg?: string },
): Promise<void> {
  const fades = `afade=t=in:d=0.5,afade=t=out:st=${Math.max(0, track.seconds - 1.5)}:d=1.5`;
  const withCover = options.cover !== undefined && formatsWithCover.includes(track.format);
  const args = [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    audioSource(track),
    ...(withCover && options.cover ? ["-f", "lavfi", "-i", `gradients=s=400x400:c0=${options.cover[0]}:c1=${options.cover[1]}:seed=${options.seed}:d=1`] : []),
    "-map",
    "0:a",
    "-af",
    fades,
    ...(withCover ? ["-map", "1:v", "-frames:v", "1", "-c:v", "mjpeg", "-disposition:v", "attached_pic"] : []),
    "-metadata",
    `title=${track.title}`,
    ...encoders[track.format],
    out,
  ];
  const result = await runFfmpeg(args, {
    timeoutMs: 120_000,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.ffmpeg ? { binary: options.ffmpeg } : {}),
  });
  if (result.code !== 0) throw new Error(`synthesising "${track.title}" failed: ${result.stderr.trim().split("\n").slice(-3).join(" | ")}`);
}
