import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAudioWorkbench, hasFfmpeg, type AudioWorkbench } from "../../test/audio.ts";
import { probeAudio } from "../ingestion/probe.ts";
import { ffmpegDemuxers, runFfmpeg, untrustedInput } from "./ffmpeg.ts";

describe("ffmpeg on uploaded files (issue 17, item 5)", () => {
  it("reads only local files, with the demuxer of the detected format", () => {
    expect(untrustedInput("/tmp/x/source", "m4a")).toEqual(["-protocol_whitelist", "file", "-f", "mov", "-i", "/tmp/x/source"]);
    expect(Object.values(ffmpegDemuxers).every((demuxer) => /^[a-z0-9]+$/.test(demuxer))).toBe(true);
  });

  describe.runIf(hasFfmpeg())("with the real binary", () => {
    let bench: AudioWorkbench;
    let dir: string;
    beforeAll(async () => {
      bench = await createAudioWorkbench();
      dir = await mkdtemp(join(tmpdir(), "tunec-ffmpeg-"));
    });
    afterAll(async () => {
      await Promise.all([bench?.cleanup(), rm(dir, { recursive: true, force: true })]);
    });

    it("validation's decode passes the whitelist and the forced format to ffmpeg", async () => {
      const file = await bench.make("ok.mp3", "mp3", { seconds: 6 });
      // A stand-in ffmpeg that records its arguments, then runs the real one.
      const argsFile = join(dir, "args");
      const wrapper = join(dir, "ffmpeg");
      await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\nexec ffmpeg "$@"\n`);
      await chmod(wrapper, 0o755);
      const result = await probeAudio(file, await bench.size(file), "audio/mpeg", { ffmpeg: wrapper });
      expect(result).toMatchObject({ ok: true, format: "mp3" });
      const args = (await readFile(argsFile, "utf8")).trim().split("\n");
      expect(args.join(" ")).toContain("-protocol_whitelist file -f mp3 -i");
    });

    it("a playlist posing as audio opens nothing else when its format is forced", async () => {
      const secret = join(dir, "secret.mp3");
      await writeFile(secret, await readFile(await bench.make("secret.mp3", "mp3", { seconds: 6 })));
      const playlist = join(dir, "upload");
      await writeFile(playlist, `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n${secret}\n#EXT-X-ENDLIST\n`);
      // ffmpeg left to guess reads the playlist and decodes the file it names...
      const guessed = await runFfmpeg(["-v", "error", "-i", playlist, "-f", "null", "-"], { timeoutMs: 30_000 });
      expect(guessed.code).toBe(0);
      // ...forced to the detected demuxer it sees garbage and fails.
      const forced = await runFfmpeg(["-v", "error", ...untrustedInput(playlist, "mp3"), "-f", "null", "-"], { timeoutMs: 30_000 });
      expect(forced.code).not.toBe(0);
    });
  });
});
