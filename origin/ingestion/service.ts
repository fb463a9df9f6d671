import type { OriginService } from "../service.ts";
import { expireStaleUploads } from "./expire.ts";
import { createOriginObjectStore } from "./object-store.ts";
import { validateUpload } from "./validate-upload.ts";
import { startWorkerLoop } from "./worker-loop.ts";

/** `--service ingestion`: validates completed uploads on their real bytes (music-metadata + an ffmpeg decode). */
export const ingestionService: OriginService = {
  name: "ingestion",
  description: "ingestion: validates completed uploads (format, type, duration, integrity) → validated or rejected + UploadRejected",
  async start({ config, db, log }) {
    const store = createOriginObjectStore(config);
    const deps = { db, store, logger: log, ffmpeg: config.FFMPEG_PATH, maxAttempts: 5 };
    const loop = startWorkerLoop({
      db,
      logger: log,
      state: "uploaded",
      leaseMs: 5 * 60_000,
      handle: (upload, owner, signal) => validateUpload(deps, upload, owner, signal),
      async housekeeping() {
        const expired = await expireStaleUploads(db);
        if (expired > 0) log.info("expired stale uploads", { count: expired });
      },
    });
    return { stop: () => loop.stop() };
  },
};
