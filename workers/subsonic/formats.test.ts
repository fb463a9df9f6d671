/**
 * Every implemented method in both formats: the JSON answer and the XML one
 * carry the same payload (XML well-formed, the same element names at the top,
 * the same ids), so a player using either sees the same library.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalog, type SeededCatalog } from "../catalog/testing.ts";
import { handlers, notImplemented } from "./routes/rest.ts";
import { listenerWithKey, ok, rest, seedLibrary, type Params, type SeededLibrary, type SubsonicListener } from "./testing.ts";

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescape = (text: string) =>
  text.replace(/&([a-z]+);/g, (whole, name: string) => {
    const value = entities[name];
    if (value === undefined) throw new Error(`unknown entity ${whole}`);
    return value;
  });

/** A strict little parser for the subset Subsonic uses; throws on anything malformed. */
function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, "");
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const token = /<(\/?)([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w:]*="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body))) {
    consumed = token.lastIndex;
    const [, closing, name, attributeText, selfClosing, text] = match;
    if (text !== undefined) {
      if (/&(?![a-z]+;)/.test(text)) throw new Error("bare & in text");
      const top = stack.at(-1);
      if (!top) throw new Error("text outside the root");
      top.text += unescape(text);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const [, key, value] of (attributeText ?? "").matchAll(/([A-Za-z][\w:]*)="([^"]*)"/g)) {
      if (key === undefined || value === undefined) continue;
      if (key in attributes) throw new Error(`duplicate attribute ${key}`);
      attributes[key] = unescape(value);
    }
    const element: XmlElement = { name: name ?? "", attributes, children: [], text: "" };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else if (root) throw new Error("two roots");
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  if (consumed !== body.length || stack.length > 0 || !root) throw new Error(`malformed XML near ${body.slice(consumed, consumed + 40)}`);
  return root;
}

/** Every `id` in a JSON payload or an XML tree, in document order. */
function jsonIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(jsonIds);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) =>
      key === "id" && (typeof child === "string" || typeof child === "number") ? [String(child)] : jsonIds(child),
    );
  }
  return [];
}
function xmlIds(element: XmlElement): string[] {
  return [...(element.attributes.id !== undefined ? [element.attributes.id] : []), ...element.children.flatMap(xmlIds)];
}

const envelopeKeys = new Set(["status", "version", "type", "serverVersion", "openSubsonic"]);

describe("every implemented Subsonic method in XML and in JSON", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  let playlistId: string;
  let catalog: SeededCatalog;
  beforeAll(async () => {
    [listener, library, catalog] = await Promise.all([listenerWithKey(true), seedLibrary(), seedCatalog()]);
    await ok(listener, "star", { id: library.trackIds[0] ?? "", albumId: library.albumId });
    const created = await ok(listener, "createPlaylist", { name: "Formats", songId: library.trackIds });
    playlistId = String((created.playlist as { id: string }).id);
    await ok(listener, "savePlayQueue", { id: library.trackIds, current: library.trackIds[0] ?? "", position: 10 });
  });

  it("keeps the implemented and not-implemented lists apart", () => {
    const implemented = Object.keys(handlers);
    expect(implemented.filter((name) => (notImplemented as readonly string[]).includes(name))).toEqual([]);
  });

  /** Methods over the whole catalog, which other suites change while this one runs: compared by what this suite seeded. */
  const wholeCatalog = new Set(["getIndexes", "getArtists", "getGenres"]);

  const readOnly = (library: SeededLibrary, listener: SubsonicListener, playlistId: string, catalog: SeededCatalog): Array<[string, Params]> => [
    ["ping", {}],
    ["getLicense", {}],
    ["getOpenSubsonicExtensions", {}],
    ["tokenInfo", {}],
    ["getMusicFolders", {}],
    ["getIndexes", {}],
    ["getArtists", {}],
    ["getMusicDirectory", { id: library.albumId }],
    ["getArtist", { id: library.artistId }],
    ["getAlbum", { id: library.albumId }],
    ["getSong", { id: library.trackIds[0] ?? "" }],
    ["getGenres", {}],
    ["getUser", { username: listener.email }],
    ["getAlbumList", { type: "byGenre", genre: library.genre }],
    ["getAlbumList2", { type: "byGenre", genre: library.genre }],
    ["getRandomSongs", { genre: library.genre }],
    ["getSongsByGenre", { genre: library.genre }],
    ["getStarred", {}],
    ["getStarred2", {}],
    ["search2", { query: catalog.tag }],
    ["search3", { query: catalog.tag }],
    ["getPlaylists", {}],
    ["getPlaylist", { id: playlistId }],
    ["getPlayQueue", {}],
    ["getTopSongs", { id: library.artistId }],
    ["getSimilarSongs", { id: library.albumId }],
    ["getSimilarSongs2", { id: library.albumId }],
    ["getArtistInfo", { id: library.artistId }],
    ["getArtistInfo2", { id: library.artistId }],
    ["getAlbumInfo", { id: library.albumId }],
    ["getAlbumInfo2", { id: library.albumId }],
    ["getNowPlaying", {}],
  ];

  it("answers the same payload in both formats for every read method", async () => {
    for (const [method, params] of readOnly(library, listener, playlistId, catalog)) {
      const [jsonResponse, xmlResponse] = await Promise.all([
        rest(method, { apiKey: listener.apiKey, f: "json", ...params }),
        rest(method, { apiKey: listener.apiKey, ...params }),
      ]);
      const json = (await jsonResponse.json<{ "subsonic-response": Record<string, unknown> }>())["subsonic-response"];
      const xml = parseXml(await xmlResponse.text());
      expect(json.status, method).toBe("ok");
      expect(xml.name).toBe("subsonic-response");
      expect(xml.attributes, method).toMatchObject({
        xmlns: "http://subsonic.org/restapi",
        status: "ok",
        version: "1.16.1",
        type: "tunec",
        serverVersion: "0.1.0",
        openSubsonic: "true",
      });
      const payloadKeys = Object.keys(json).filter((key) => !envelopeKeys.has(key));
      expect([...new Set(xml.children.map((child) => child.name))], method).toEqual(payloadKeys);
      const ids = jsonIds(Object.fromEntries(payloadKeys.map((key) => [key, json[key]])));
      // Random songs come in another order each call: the same ids are what matters.
      if (method === "getRandomSongs") expect(xmlIds(xml).sort(), method).toEqual(ids.sort());
      else if (method === "getGenres") {
        expect(JSON.stringify(json), method).toContain(library.genre);
        expect(
          xml.children[0]?.children.some((genre) => genre.text === library.genre),
          method,
        ).toBe(true);
      } else if (wholeCatalog.has(method)) {
        expect(ids, method).toContain(library.artistId);
        expect(xmlIds(xml), method).toContain(library.artistId);
      } else expect(xmlIds(xml), method).toEqual(ids);
    }
  });

  it("covers every implemented method: the read ones above, the writes and media in their own suites", () => {
    const covered = new Set([
      ...readOnly(library, listener, playlistId, catalog).map(([method]) => method),
      // library.test.ts, media.test.ts, queue-info.test.ts
      ...["star", "unstar", "createPlaylist", "updatePlaylist", "deletePlaylist", "stream", "download", "scrobble", "getCoverArt", "savePlayQueue"],
    ]);
    expect(Object.keys(handlers).filter((method) => !covered.has(method))).toEqual([]);
  });
});
