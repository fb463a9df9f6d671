import { createOriginObjectStore } from "../ingestion/object-store.ts";
import { startWorkerLoop } from "../ingestion/worker-loop.ts";
import type { OriginService } from "../service.ts";
import { transcodeUpload } from "./transcode-upload.ts";

/** `--service transcoder`: ffmpeg renditions + loudness + cover of validated uploads → TrackPublished. */
export const transcoderService: OriginService = {
  name: "transcoder",
  description: "transcoder: ffmpeg AAC 128k/256k renditions, EBU R128 loudness, embedded cover → published + TrackPublished",
  async start({ config, db, log }) {
    const store = createOriginObjectStore(config);
    const timeoutMs = config.TRANSCODE_TIMEOUT_SECONDS * 1000;
    const loop = startWorkerLoop({
      db,
      logger: log,
      state: "validated",
      // Outlives the longest ffmpeg run, so a live worker never loses its upload.
      leaseMs: timeoutMs + 2 * 60_000,
      handle: (upload, owner, signal) =>
        transcodeUpload({ db, store, logger: log, ffmpeg: config.FFMPEG_PATH, maxAttempts: 5, timeoutMs }, upload, owner, signal),
    });
    return { stop: () => loop.stop() };
  },
};
