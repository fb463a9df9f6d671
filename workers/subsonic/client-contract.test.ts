/**
 * The contract suite through a real third-party client: `subsonic-api` (the
 * library several web players use) drives every supported method against the
 * Worker, with an API key over GET, an API key over form POST (`formPost`),
 * and legacy token auth (`u` + `t` + `s`) with an app password. Every JSON
 * answer, and the XML answer of the same call (`f=xml` through the client's
 * `custom`), is checked against the OpenSubsonic response shapes.
 */
import { SELF } from "cloudflare:test";
import { SubsonicAPI } from "subsonic-api";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { seedCatalog } from "../catalog/testing.ts";
import * as shapes from "./opensubsonic-shapes.ts";
import { appPassword, listenerWithKey, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

const origin = "https://tunec.test";
const viaWorker: typeof fetch = (input, init) => SELF.fetch(input instanceof Request ? input : new Request(input, init));

type Params = Record<string, string | number | boolean | string[]>;

/** Each supported read method: its parameters for the seeded library, and the shape of its payload. */
function readMethods(library: SeededLibrary, email: string): Array<[method: string, params: Params, key: string | null, shape: z.ZodType | null]> {
  const [song = "", second = ""] = library.trackIds;
  return [
    ["ping", {}, null, null],
    ["getLicense", {}, "license", shapes.license],
    ["getOpenSubsonicExtensions", {}, "openSubsonicExtensions", shapes.openSubsonicExtensions],
    ["getMusicFolders", {}, "musicFolders", shapes.musicFolders],
    ["getIndexes", {}, "indexes", shapes.indexes],
    ["getArtists", {}, "artists", shapes.artistsID3],
    ["getArtist", { id: library.artistId }, "artist", shapes.artistWithAlbumsID3],
    ["getAlbum", { id: library.albumId }, "album", shapes.albumID3WithSongs],
    ["getSong", { id: song }, "song", shapes.child],
    ["getAlbumList2", { type: "newest", size: 5 }, "albumList2", shapes.albumList2],
    ["getAlbumList2", { type: "byGenre", genre: library.genre }, "albumList2", shapes.albumList2],
    ["getAlbumList2", { type: "alphabeticalByName" }, "albumList2", shapes.albumList2],
    ["getRandomSongs", { size: 3, genre: library.genre }, "randomSongs", shapes.songs],
    ["getGenres", {}, "genres", shapes.genres],
    ["getSongsByGenre", { genre: library.genre }, "songsByGenre", shapes.songs],
    ["search3", { query: library.artistName, songCount: 5 }, "searchResult3", shapes.searchResult3],
    ["getArtistInfo2", { id: library.artistId }, "artistInfo2", shapes.artistInfo2],
    ["getAlbumInfo2", { id: library.albumId }, "albumInfo", shapes.albumInfo],
    ["getTopSongs", { artist: library.artistName, count: 2 }, "topSongs", shapes.songs],
    ["getSimilarSongs2", { id: second, count: 3 }, "similarSongs2", shapes.songs],
    ["getStarred2", {}, "starred2", shapes.starred2],
    ["getPlaylists", {}, "playlists", shapes.playlists],
    ["getPlayQueue", {}, null, null],
    ["getNowPlaying", {}, null, null],
    ["getUser", { username: email }, "user", shapes.user],
    ["tokenInfo", {}, "tokenInfo", shapes.tokenInfo],
  ];
}

/** The client's raw answer: parsed, the envelope checked, the payload checked against its shape. */
async function checkedJson(client: SubsonicAPI, method: string, params: Params, key: string | null, shape: z.ZodType | null): Promise<Record<string, unknown>> {
  const response = await client.custom(`${method}.view`, params);
  expect(response.status, method).toBe(200);
  const body = ((await response.json()) as { "subsonic-response": Record<string, unknown> })["subsonic-response"];
  const envelope = key && shape ? shapes.success(key, shape) : shapes.empty;
  const parsed = envelope.safeParse(body);
  expect(parsed.success, `${method} ${JSON.stringify(params)}: ${parsed.error?.message ?? ""}`).toBe(true);
  return body;
}

/** The XML answer of the same call: the OpenSubsonic root element, status ok, and the payload element. */
async function checkedXml(client: SubsonicAPI, method: string, params: Params, key: string | null): Promise<void> {
  const response = await client.custom(`${method}.view`, { ...params, f: "xml" });
  expect(response.headers.get("content-type"), method).toMatch(/^(text|application)\/xml/);
  const xml = await response.text();
  expect(xml, method).toMatch(
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<subsonic-response xmlns="http:\/\/subsonic\.org\/restapi" status="ok" version="1\.16\.1" type="tunec" serverVersion="[^"]+" openSubsonic="true"/,
  );
  if (key) expect(xml, method).toContain(`<${key}`);
}

describe("OpenSubsonic through the subsonic-api client", () => {
  let library: SeededLibrary;
  let listener: SubsonicListener;
  let clients: Array<[auth: string, client: SubsonicAPI]>;

  beforeAll(async () => {
    library = await seedLibrary();
    listener = await listenerWithKey(true);
    const { password } = await appPassword(listener, "subsonic-api");
    clients = [
      ["apiKey, GET", new SubsonicAPI({ url: origin, auth: { apiKey: listener.apiKey }, fetch: viaWorker })],
      ["apiKey, form POST", new SubsonicAPI({ url: origin, auth: { apiKey: listener.apiKey }, post: true, fetch: viaWorker })],
      ["token auth with an app password", new SubsonicAPI({ url: origin, auth: { username: listener.email, password }, fetch: viaWorker })],
    ];
  });

  // About 50 calls per authentication: seconds on a CI machine that shares its two cores.
  it.each([0, 1, 2])(
    "answers every supported read method in JSON and XML, in the OpenSubsonic shapes (authentication %i: key GET, key POST, token)",
    async (index) => {
      const [auth, client] = clients[index] ?? [];
      if (!client) throw new Error("no client");
      expect((await client.ping()).status, auth).toBe("ok");
      for (const [method, params, key, shape] of readMethods(library, listener.email)) {
        await checkedJson(client, method, params, key, shape);
        await checkedXml(client, method, params, key);
      }
    },
    60_000,
  );

  it("finds through search3 and browses with the client's typed methods", async () => {
    const [, client] = clients[0] ?? [];
    if (!client) throw new Error("no client");
    // Through TUNEC's search read model: a Latin query finds the Cyrillic title.
    const catalog = await seedCatalog();
    const found = await client.search3({ query: `gruppa krovi ${catalog.tag}`, artistCount: 1, albumCount: 1, songCount: 10 });
    expect(found.searchResult3.song?.[0]?.id).toBe(catalog.albumTrackIds[0]);
    expect(found.searchResult3.album?.map((album) => album.id)).toContain(catalog.albumId);
    const album = await client.getAlbum({ id: library.albumId });
    expect(album.album.song?.map((song) => song.id)).toEqual(library.trackIds);
    const newest = await client.getAlbumList2({ type: "byGenre", genre: library.genre });
    expect(newest.albumList2.album?.map((entry) => entry.id)).toEqual([library.albumId]);
  });

  it("stars, builds and edits a playlist, saves the play queue and scrobbles through the client", async () => {
    const [, client] = clients[1] ?? [];
    if (!client) throw new Error("no client");
    const [first = "", second = "", third = ""] = library.trackIds;
    expect((await client.star({ id: first })).status).toBe("ok");
    expect((await client.getStarred2({})).starred2.song?.map((song) => song.id)).toEqual([first]);
    expect((await client.unstar({ id: first })).status).toBe("ok");

    const created = await client.createPlaylist({ name: "Через клиент", songId: [first, second] });
    const playlistId = created.playlist.id;
    expect(created.playlist.songCount).toBe(2);
    expect((await client.updatePlaylist({ playlistId, songIdToAdd: [third], songIndexToRemove: [0] })).status).toBe("ok");
    await checkedJson(client, "getPlaylist", { id: playlistId }, "playlist", shapes.playlistWithSongs);
    expect((await client.getPlaylist({ id: playlistId })).playlist.entry?.map((entry) => entry.id)).toEqual([second, third]);
    expect((await client.deletePlaylist({ id: playlistId })).status).toBe("ok");

    expect((await client.savePlayQueue({ id: [first, second], current: second, position: 1500 })).status).toBe("ok");
    expect((await client.getPlayQueue()).playQueue).toMatchObject({ current: second, position: 1500 });
    expect((await client.scrobble({ id: first, submission: false })).status).toBe("ok");
  });

  it("streams (premium: the high rendition) and downloads the bytes, and serves cover art, through the client", async () => {
    const [, client] = clients[2] ?? [];
    if (!client) throw new Error("no client");
    const [song = ""] = library.trackIds;
    const stream = await client.stream({ id: song });
    expect(stream.status).toBe(200);
    // Premium: the high rendition.
    expect(new Uint8Array(await stream.arrayBuffer())).toEqual(library.high);
    const download = await client.download({ id: song });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const cover = await client.getCoverArt({ id: `al-${library.albumId}` });
    expect(cover.headers.get("content-type")).toMatch(/^image\//);
    expect(new Uint8Array(await cover.arrayBuffer())).toEqual(library.cover);
  });

  it("refuses a wrong key (44) and a wrong app password (40) without data", async () => {
    const wrongKey = new SubsonicAPI({ url: origin, auth: { apiKey: "not-a-key" }, fetch: viaWorker });
    expect(await wrongKey.getArtists({})).toMatchObject({ status: "failed", error: { code: 44 } });
    const wrongPassword = new SubsonicAPI({ url: origin, auth: { username: listener.email, password: "guess" }, fetch: viaWorker });
    const refused = await wrongPassword.getArtists({});
    expect(refused).toMatchObject({ status: "failed", error: { code: 40 } });
    expect(refused).not.toHaveProperty("artists");
  });
});
