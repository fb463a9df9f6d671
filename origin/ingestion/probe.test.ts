import { copyFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentTypes, createAudioWorkbench, hasFfmpeg, type AudioKind, type AudioWorkbench } from "../../test/audio.ts";
import { probeAudio } from "./probe.ts";

describe.runIf(hasFfmpeg())("probeAudio: validation on the real bytes", () => {
  let bench: AudioWorkbench;
  beforeAll(async () => {
    bench = await createAudioWorkbench();
  });
  afterAll(async () => {
    await bench.cleanup();
  });

  // The probe sees a file without extension, as the worker stores it.
  async function probe(path: string, declared: string) {
    const plain = join(bench.dir, `probe-${crypto.randomUUID()}`);
    await copyFile(path, plain);
    return probeAudio(plain, await bench.size(plain), declared);
  }

  const kinds: Array<[AudioKind, string]> = [
    ["mp3", "mp3"],
    ["flac", "flac"],
    ["wav", "wav"],
    ["m4a", "m4a"],
    ["aac", "aac"],
    ["ogg", "vorbis"],
    ["opus", "opus"],
  ];

  it.each(kinds)("accepts %s as %s with its real duration", async (kind, format) => {
    const file = await bench.make(`ok.${kind}`, kind, { seconds: 6 });
    const result = await probe(file, contentTypes[kind]);
    expect(result).toMatchObject({ ok: true, format });
    if (result.ok) expect(Math.abs(result.durationMs - 6_000)).toBeLessThan(150);
  });

  it.each(["mp3", "flac", "wav", "m4a", "ogg", "opus"] as const)("refuses a truncated %s", async (kind) => {
    const whole = await bench.make(`whole.${kind}`, kind, { seconds: 8 });
    const result = await probe(await bench.truncate(whole, `cut.${kind}`), contentTypes[kind]);
    expect(result).toMatchObject({ ok: false, code: "truncated" });
    if (!result.ok) expect(result.message).toMatch(/cut short|damaged|could not be decoded/);
  });

  it("refuses an empty file", async () => {
    const empty = join(bench.dir, "empty");
    await writeFile(empty, new Uint8Array());
    expect(await probe(empty, "audio/mpeg")).toMatchObject({ ok: false, code: "empty_file", message: "The file is empty (0 bytes)." });
  });

  it("refuses a JPEG renamed .mp3 and says what it is", async () => {
    const fake = join(bench.dir, "photo.mp3");
    await copyFile(await bench.jpeg("photo.jpg"), fake);
    const result = await probe(fake, "audio/mpeg");
    expect(result).toMatchObject({ ok: false, code: "unsupported_format" });
    if (!result.ok) expect(result.message).toContain("image/jpeg");
  });

  it("refuses audio whose declared type does not match the content", async () => {
    const flac = await bench.make("declared-wrong.flac", "flac");
    const result = await probe(flac, "audio/mpeg");
    expect(result).toMatchObject({ ok: false, code: "content_type_mismatch" });
    if (!result.ok) expect(result.message).toBe("The upload was declared as audio/mpeg, but the file is FLAC.");
  });

  it("refuses 2 seconds as too short", async () => {
    const result = await probe(await bench.make("short.mp3", "mp3", { seconds: 2 }), "audio/mpeg");
    expect(result).toMatchObject({ ok: false, code: "too_short" });
  });

  it("refuses 30 minutes as too long (an 8 kbit/s mono MP3: 1.8 MB)", async () => {
    const long = await bench.make("long.mp3", "mp3", { seconds: 1_800, mono8k: true });
    expect(await bench.size(long)).toBeLessThan(2_000_000);
    const result = await probe(long, "audio/mpeg");
    expect(result).toMatchObject({ ok: false, code: "too_long" });
    if (!result.ok) expect(result.message).toContain("30.0 min");
  });

  it("refuses a size over 500 MiB before reading a byte", async () => {
    const result = await probeAudio(join(bench.dir, "does-not-exist"), 600 * 1024 * 1024, "audio/mpeg");
    expect(result).toMatchObject({ ok: false, code: "too_large" });
  });
});
