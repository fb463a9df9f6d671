/**
 * Public playlist links the import accepts, parsed into what the provider
 * adapters need and a canonical form (the source_ref a re-import is
 * recognised by). Web-standard only: the edge validates with it and the
 * origin's adapters read the same parse.
 *
 * @example parseImportLink("https://music.yandex.ru/users/music-blog/playlists/1001?utm=x")
 * // { provider: "yandex", owner: "music-blog", kind: "1001", canonical: "https://music.yandex.ru/users/music-blog/playlists/1001" }
 */
export type ImportLink =
  | { provider: "yandex"; owner: string; kind: string; canonical: string }
  | { provider: "vk"; ownerId: string; playlistId: string; accessKey: string | null; canonical: string };

const yandexHosts = /^(www\.)?music\.yandex\.(ru|com|by|kz|uz)$/;
const vkHosts = /^(www\.|m\.)?vk\.(com|ru)$/;
const yandexPath = /^\/users\/([A-Za-z0-9._-]{1,64})\/playlists\/(\d{1,10})\/?$/;
// owner_id (negative for communities), playlist id, optional access hash.
const vkPlaylist = /^(-?\d{1,12})_(\d{1,12})(?:_([0-9a-f]{6,64}))?$/;
const vkPath = /^\/music\/(?:playlist|album)\/([^/]+)\/?$/;
const vkZ = /^audio_playlist(-?\d{1,12})_(\d{1,12})(?:\/([0-9a-f]{6,64}))?$/;

export function parseImportLink(input: string): ImportLink | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const host = url.hostname.toLowerCase();
  if (yandexHosts.test(host)) {
    const match = yandexPath.exec(decodeURIComponent(url.pathname));
    if (!match?.[1] || !match[2]) return null;
    const owner = match[1].toLowerCase();
    return { provider: "yandex", owner, kind: match[2], canonical: `https://music.yandex.ru/users/${owner}/playlists/${match[2]}` };
  }
  if (vkHosts.test(host)) {
    const fromPath = vkPath.exec(url.pathname)?.[1];
    const parts = fromPath ? vkPlaylist.exec(fromPath) : vkZ.exec(url.searchParams.get("z") ?? "");
    if (!parts?.[1] || !parts[2]) return null;
    const accessKey = parts[3] ?? null;
    const id = `${parts[1]}_${parts[2]}${accessKey ? `_${accessKey}` : ""}`;
    return { provider: "vk", ownerId: parts[1], playlistId: parts[2], accessKey, canonical: `https://vk.com/music/playlist/${id}` };
  }
  return null;
}
