import type { ImportProvider } from "../../../shared/db/users-import.table.ts";
import type { HttpClient, ImportSource } from "./source.ts";
import { vkSource } from "./vk.ts";
import { yandexMusicSource } from "./yandex-music.ts";

export type { HttpClient, ImportedEntry, ImportInput, ImportSource } from "./source.ts";
export { ImportSourceError } from "./source.ts";

export interface ImportSourcesOptions {
  http: HttpClient;
  yandexApiUrl?: string | undefined;
  vkApiUrl?: string | undefined;
  vkToken?: string | undefined;
}

export type ImportSources = Record<ImportProvider, ImportSource>;

/** One adapter per provider, sharing the injected HTTP client. */
export function createImportSources(options: ImportSourcesOptions): ImportSources {
  return {
    yandex: yandexMusicSource({ http: options.http, ...(options.yandexApiUrl ? { apiUrl: options.yandexApiUrl } : {}) }),
    vk: vkSource({ http: options.http, token: options.vkToken, ...(options.vkApiUrl ? { apiUrl: options.vkApiUrl } : {}) }),
  };
}
