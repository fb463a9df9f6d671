import type { ProviderId } from "../config.ts";
import { google } from "./google.ts";
import type { ProviderAdapter } from "./types.ts";
import { vk } from "./vk.ts";
import { yandex } from "./yandex.ts";

export type { ExternalIdentity, ProviderAdapter } from "./types.ts";

export const providerAdapters: Record<ProviderId, ProviderAdapter> = { google, vk, yandex };
