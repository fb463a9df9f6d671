import type { OriginService } from "../service.ts";
import { createImportSources } from "./sources/index.ts";
import { createImportWorker } from "./worker.ts";

/** `--service users-import`: works the import jobs POST /me/imports queues (read the source, match, like, report). */
export const usersImportService: OriginService = {
  name: "users-import",
  description: "users import: reads Yandex Music / VK playlists and export files, matches them against the catalog and likes the matches",
  async start({ config, db, log }) {
    const sources = createImportSources({
      http: (request) => fetch(request),
      yandexApiUrl: config.IMPORT_YANDEX_API_URL,
      vkApiUrl: config.IMPORT_VK_API_URL,
      vkToken: config.VK_AUDIO_TOKEN,
    });
    if (!config.VK_AUDIO_TOKEN) log.info("VK_AUDIO_TOKEN not set: VK playlist links are refused, VK export files work");
    const worker = createImportWorker({ db, sources, logger: log, batchSize: config.IMPORT_BATCH_SIZE });
    worker.start();
    return { stop: () => worker.stop() };
  },
};
