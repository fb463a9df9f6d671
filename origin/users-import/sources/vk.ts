/**
 * VK: a public playlist (https://vk.com/music/playlist/<owner>_<id>_<hash>,
 * or a page with ?z=audio_playlist<owner>_<id>/<hash>) is read with the VK API
 * method audio.get (https://dev.vk.com/method/audio.get; object shape
 * https://dev.vk.com/reference/objects/audio):
 *
 *   GET /method/audio.get?owner_id=&playlist_id=&access_key=&offset=&count=&v=5.131&access_token=
 *   → { response: { count, items: [{ id, owner_id, artist, title, duration, … }] } }
 *   → { error: { error_code, error_msg } }   (HTTP 200 as well)
 *
 * VK opens the audio methods only to tokens of apps it allows, so link
 * imports need VK_AUDIO_TOKEN; without it the adapter says so and an export
 * file (a saved audio.get answer, or "Artist - Title" lines) works instead.
 */
import { z } from "zod";
import type { ImportLink } from "../../../workers/users/domain/imports/links.ts";
import { entriesOrUnreadable, parseTextLines, tryJson } from "./export-file.ts";
import { ImportSourceError, maxImportEntries, requestJson, type HttpClient, type ImportedEntry, type ImportInput, type ImportSource } from "./source.ts";

const audioSchema = z.object({
  id: z.union([z.number(), z.string()]).optional(),
  owner_id: z.union([z.number(), z.string()]).optional(),
  artist: z.string(),
  title: z.string().min(1),
});
const itemsSchema = z.object({ count: z.number().int().min(0).optional(), items: z.array(audioSchema) });
const answerSchema = z.union([z.object({ response: itemsSchema }), z.object({ error: z.object({ error_code: z.number(), error_msg: z.string() }) })]);

type VkAudio = z.infer<typeof audioSchema>;

export interface VkOptions {
  http: HttpClient;
  /** A user token allowed to call audio.*; absent = link imports refused with provider_not_configured. */
  token?: string | undefined;
  /** Default https://api.vk.com */
  apiUrl?: string;
  /** API version sent as v=. */
  version?: string;
  pageSize?: number;
}

export function vkSource(options: VkOptions): ImportSource {
  const apiUrl = (options.apiUrl ?? "https://api.vk.com").replace(/\/+$/, "");
  const pageSize = options.pageSize ?? 200;

  async function readLink(link: Extract<ImportLink, { provider: "vk" }>, signal?: AbortSignal): Promise<ImportedEntry[]> {
    const what = `VK playlist ${link.ownerId}_${link.playlistId}`;
    if (!options.token) {
      throw new ImportSourceError(
        "provider_not_configured",
        "VK playlist links need the VK API (VK_AUDIO_TOKEN is not set here); upload an export file instead.",
      );
    }
    const entries: ImportedEntry[] = [];
    for (let offset = 0; ; ) {
      const query = new URLSearchParams({
        owner_id: link.ownerId,
        playlist_id: link.playlistId,
        offset: String(offset),
        count: String(pageSize),
        v: options.version ?? "5.131",
      });
      if (link.accessKey) query.set("access_key", link.accessKey);
      // The token goes in the body, not the URL, so it stays out of proxy and access logs.
      const request = new Request(`${apiUrl}/method/audio.get?${query}`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ access_token: options.token }).toString(),
        signal: signal ?? null,
      });
      const parsed = answerSchema.safeParse(await requestJson(options.http, request, what));
      if (!parsed.success) throw new ImportSourceError("provider_unavailable", `${what}: unexpected answer shape.`, true);
      if ("error" in parsed.data) throw vkError(parsed.data.error.error_code, parsed.data.error.error_msg, what);
      const { items, count = 0 } = parsed.data.response;
      if (count > maxImportEntries)
        throw new ImportSourceError("source_too_large", `${what} has ${count} tracks; at most ${maxImportEntries} can be imported at once.`);
      entries.push(...items.map(toEntry));
      offset += items.length;
      if (items.length === 0 || offset >= count) return entries;
    }
  }

  return {
    provider: "vk",
    async read(input: ImportInput, signal?: AbortSignal) {
      if (input.kind === "file") return readVkFile(input.text);
      if (input.link.provider !== "vk") throw new ImportSourceError("source_unreadable", "Not a VK link.");
      return readLink(input.link, signal);
    },
  };
}

// https://dev.vk.com/reference/errors
function vkError(code: number, message: string, what: string): ImportSourceError {
  if (code === 15 || code === 201 || code === 203 || code === 30) return new ImportSourceError("source_private", `${what} is not public (VK: ${message}).`);
  if (code === 100 || code === 113 || code === 18) return new ImportSourceError("source_not_found", `${what} was not found (VK: ${message}).`);
  if (code === 5) return new ImportSourceError("provider_not_configured", `The VK token was refused (VK: ${message}).`);
  // 6 too many requests, 9 flood control, 10 internal error, and anything new: try again later.
  return new ImportSourceError("provider_unavailable", `${what} could not be read (VK error ${code}: ${message}).`, true);
}

function toEntry(audio: VkAudio): ImportedEntry {
  const externalId = audio.owner_id !== undefined && audio.id !== undefined ? `${audio.owner_id}_${audio.id}` : null;
  return { artists: [audio.artist], title: audio.title, externalId };
}

/** A saved audio.get answer ({ response: { items } }, { items } or the items array) or text lines. */
export function readVkFile(text: string): ImportedEntry[] {
  const json = tryJson(text);
  if (json === undefined) return entriesOrUnreadable(parseTextLines(text), 'a VK audio.get JSON or "Artist - Title" lines');
  const items =
    z.object({ response: itemsSchema }).safeParse(json).data?.response.items ??
    itemsSchema.safeParse(json).data?.items ??
    z.array(audioSchema).safeParse(json).data ??
    [];
  return entriesOrUnreadable(items.map(toEntry), "a VK audio.get answer (response.items[] with artist and title)");
}
