/**
 * Yandex Music: a public playlist https://music.yandex.ru/users/<login>/playlists/<kind>
 * is read from the API the official apps use (api.music.yandex.net), as the
 * unofficial clients document it (MarshalX/yandex-music-api `users_playlists`,
 * acherkashin/yandex-music-open-api `Playlist`/`TrackItem`/`Track`):
 *
 *   GET /users/{login}/playlists/{kind} → { invocationInfo, result: { kind, title, trackCount,
 *       tracks: [{ id, timestamp, track?: { id, title, version?, artists: [{ id, name }], albums } }] } }
 *   POST /tracks (form track-ids=1,2,…) → { invocationInfo, result: [Track] }
 *
 * Large playlists may come without the `track` objects ("not rich"); those
 * are fetched by id in chunks. An export file is such an answer saved as
 * JSON, or text lines.
 */
import { z } from "zod";
import type { ImportLink } from "../../../workers/users/domain/imports/links.ts";
import { entriesOrUnreadable, parseTextLines, tryJson } from "./export-file.ts";
import { ImportSourceError, maxImportEntries, requestJson, type HttpClient, type ImportedEntry, type ImportInput, type ImportSource } from "./source.ts";

const trackSchema = z.object({
  id: z.union([z.string(), z.number()]),
  title: z.string().min(1),
  artists: z.array(z.object({ name: z.string().min(1) })).default([]),
});
const trackItemSchema = z.object({ id: z.union([z.string(), z.number()]), track: trackSchema.optional() });
const playlistSchema = z.object({ title: z.string().optional(), tracks: z.array(trackItemSchema).nullish() });
const playlistAnswer = z.object({ result: playlistSchema });
const tracksAnswer = z.object({ result: z.array(trackSchema) });

type YandexTrack = z.infer<typeof trackSchema>;

export interface YandexMusicOptions {
  http: HttpClient;
  /** Default https://api.music.yandex.net */
  apiUrl?: string;
  /** Tracks fetched per POST /tracks when the playlist came without them. */
  chunkSize?: number;
}

export function yandexMusicSource(options: YandexMusicOptions): ImportSource {
  const apiUrl = (options.apiUrl ?? "https://api.music.yandex.net").replace(/\/+$/, "");
  const chunkSize = options.chunkSize ?? 200;
  const headers = { accept: "application/json", "accept-language": "ru" };

  async function readLink(link: Extract<ImportLink, { provider: "yandex" }>, signal?: AbortSignal): Promise<ImportedEntry[]> {
    const what = `Yandex Music playlist ${link.owner}/${link.kind}`;
    const url = `${apiUrl}/users/${encodeURIComponent(link.owner)}/playlists/${link.kind}`;
    const parsed = playlistAnswer.safeParse(await requestJson(options.http, new Request(url, { headers, signal: signal ?? null }), what));
    if (!parsed.success)
      throw new ImportSourceError("provider_unavailable", `${what}: unexpected answer shape (${parsed.error.issues[0]?.message ?? "invalid"}).`, true);
    const items = parsed.data.result.tracks ?? [];
    if (items.length > maxImportEntries)
      throw new ImportSourceError("source_too_large", `${what} has ${items.length} tracks; at most ${maxImportEntries} can be imported at once.`);
    const known = new Map<string, YandexTrack>();
    for (const item of items) if (item.track) known.set(String(item.id), item.track);
    const missing = items.map((item) => String(item.id)).filter((id) => !known.has(id));
    for (let start = 0; start < missing.length; start += chunkSize) {
      const ids = missing.slice(start, start + chunkSize);
      const request = new Request(`${apiUrl}/tracks`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ "track-ids": ids.join(",") }).toString(),
        signal: signal ?? null,
      });
      const tracks = tracksAnswer.safeParse(await requestJson(options.http, request, `${what} (tracks)`));
      if (!tracks.success) throw new ImportSourceError("provider_unavailable", `${what}: unexpected tracks answer shape.`, true);
      for (const track of tracks.data.result) known.set(String(track.id), track);
    }
    // Tracks the provider no longer has (removed by the rights holder) are left out.
    return items.flatMap((item) => {
      const track = known.get(String(item.id));
      return track ? [toEntry(track)] : [];
    });
  }

  return {
    provider: "yandex",
    async read(input: ImportInput, signal?: AbortSignal) {
      if (input.kind === "file") return readYandexFile(input.text);
      if (input.link.provider !== "yandex") throw new ImportSourceError("source_unreadable", "Not a Yandex Music link.");
      return readLink(input.link, signal);
    },
  };
}

function toEntry(track: YandexTrack): ImportedEntry {
  return { artists: track.artists.map((artist) => artist.name), title: track.title, externalId: String(track.id) };
}

/** A saved API answer ({ result: playlist } or the playlist itself) or text lines. */
export function readYandexFile(text: string): ImportedEntry[] {
  const json = tryJson(text);
  if (json === undefined) return entriesOrUnreadable(parseTextLines(text), 'a Yandex Music playlist JSON or "Artist - Title" lines');
  const playlist = playlistAnswer.safeParse(json).data?.result ?? playlistSchema.safeParse(json).data;
  const tracks = playlist?.tracks?.flatMap((item) => (item.track ? [item.track] : [])) ?? [];
  return entriesOrUnreadable(tracks.map(toEntry), "a Yandex Music playlist answer with tracks (result.tracks[].track)");
}
