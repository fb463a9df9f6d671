import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalog, type SeededCatalog } from "../catalog/testing.ts";
import * as shapes from "./opensubsonic-shapes.ts";
import { call, listenerWithKey, ok, query, rest, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

describe("the subsonic-response envelope in workerd", () => {
  let listener: SubsonicListener;
  beforeAll(async () => {
    listener = await listenerWithKey();
  });

  it("answers XML by default, at /rest/{method} and /rest/{method}.view", async () => {
    for (const path of ["ping", "ping.view"]) {
      const response = await rest(path, { apiKey: listener.apiKey, v: "1.16.1", c: "test" });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/xml; charset=utf-8");
      expect(await response.text()).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1" type="tunec" serverVersion="0.1.0" openSubsonic="true"/>',
      );
    }
  });

  it("answers JSON with f=json, errors too, with HTTP 200", async () => {
    const response = await rest("ping", { apiKey: listener.apiKey, f: "json" });
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await response.json()).toEqual({
      "subsonic-response": { status: "ok", version: "1.16.1", type: "tunec", serverVersion: "0.1.0", openSubsonic: true },
    });
    const failed = await rest("ping", { apiKey: "nope", f: "json" });
    expect(failed.status).toBe(200);
    expect(shapes.failure.parse((await failed.json<{ "subsonic-response": unknown }>())["subsonic-response"])).toMatchObject({
      error: { code: 44, helpUrl: expect.any(String) },
    });
  });

  it("puts errors and nested payloads in XML by the Subsonic rules", async () => {
    const failed = await (await rest("getSong", { apiKey: listener.apiKey, id: crypto.randomUUID() })).text();
    expect(failed).toContain('status="failed"');
    expect(failed).toMatch(/<error code="70" message="Song not found."\/>/);
    const extensions = await (await rest("getOpenSubsonicExtensions", {})).text();
    expect(extensions).toContain('<openSubsonicExtensions name="apiKeyAuthentication"><versions>1</versions></openSubsonicExtensions>');
    expect(extensions).toContain('<openSubsonicExtensions name="formPost"><versions>1</versions></openSubsonicExtensions>');
  });

  it("reads parameters from a form POST body (formPost), bounded", async () => {
    const post = (body: string) =>
      SELF.fetch("https://tunec.test/rest/ping.view", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    expect(await (await post(query({ apiKey: listener.apiKey, f: "json" }))).json()).toMatchObject({ "subsonic-response": { status: "ok" } });
    // A body that is never read answers in the format the URL asked for: XML here.
    const huge = await (await post(`f=json&apiKey=${listener.apiKey}&x=${"a".repeat(70 * 1024)}`)).text();
    expect(huge).toMatch(/<error code="0" message="The form body is larger than 65536 bytes."\/>/);
    const tooMany = await (await post(`f=json&apiKey=${listener.apiKey}&${"id=1&".repeat(1001)}`)).text();
    expect(tooMany).toMatch(/<error code="0" message="At most 1000 parameters."\/>/);
  });

  it("is charged to the device credential's bucket, not the gateway's anonymous one (rate-limit.test.ts has the limits)", async () => {
    const response = await rest("ping", { apiKey: listener.apiKey });
    expect(response.headers.get("ratelimit-policy")).toMatch(/^"subsonic";/);
    expect(response.headers.get("ratelimit")).toMatch(/^"subsonic";r=\d+/);
  });

  it("lets browser-based players call it from any origin (credentials are parameters, never cookies)", async () => {
    const preflight = await SELF.fetch("https://tunec.test/rest/ping.view", {
      method: "OPTIONS",
      headers: { origin: "https://player.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    const response = await rest("ping", { apiKey: listener.apiKey }, { headers: { origin: "https://player.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("answers JSONP only for a plain callback name", async () => {
    const good = await rest("ping", { apiKey: listener.apiKey, f: "jsonp", callback: "handle" });
    expect(good.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(await good.text()).toMatch(/^handle\(\{"subsonic-response":\{"status":"ok"/);
    const evil = await rest("ping", { apiKey: listener.apiKey, f: "jsonp", callback: "alert(1)//" });
    expect(evil.headers.get("content-type")).toBe("application/xml; charset=utf-8");
  });

  it("lists its extensions without credentials, and says which methods it does not implement", async () => {
    const body = await call(undefined, "getOpenSubsonicExtensions");
    expect(shapes.success("openSubsonicExtensions", shapes.openSubsonicExtensions).parse(body).openSubsonicExtensions).toEqual([
      { name: "apiKeyAuthentication", versions: [1] },
      { name: "formPost", versions: [1] },
      { name: "topSongsByArtistId", versions: [1] },
    ]);
    expect(await call(listener, "getPodcasts")).toMatchObject({ status: "failed", error: { code: 0, message: "TUNEC does not implement getPodcasts." } });
    expect(await call(listener, "noSuchThing")).toMatchObject({ status: "failed", error: { code: 0, message: "Unknown method noSuchThing." } });
    // Credentials are checked before anything else is said.
    expect(await call(undefined, "getPodcasts", { apiKey: "nope" })).toMatchObject({ status: "failed", error: { code: 44 } });
  });
});

describe("Subsonic browsing in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  beforeAll(async () => {
    [listener, library] = await Promise.all([listenerWithKey(), seedLibrary()]);
  });

  it("ping, getLicense, getMusicFolders, getUser", async () => {
    expect(shapes.empty.parse(await ok(listener, "ping"))).toBeTruthy();
    expect(shapes.success("license", shapes.license).parse(await ok(listener, "getLicense")).license.valid).toBe(true);
    expect(shapes.success("musicFolders", shapes.musicFolders).parse(await ok(listener, "getMusicFolders")).musicFolders).toEqual({
      musicFolder: [{ id: 1, name: "TUNEC" }],
    });
    const user = shapes.success("user", shapes.user).parse(await ok(listener, "getUser", { username: listener.email })).user;
    expect(user).toMatchObject({ username: listener.email, streamRole: true, downloadRole: false, adminRole: false });
    expect(await call(listener, "getUser", { username: "someone-else@example.com" })).toMatchObject({ status: "failed", error: { code: 50 } });
    expect(await call(listener, "getUser")).toMatchObject({ status: "failed", error: { code: 10 } });
  });

  it("getArtists and getIndexes list the artist under its letter", async () => {
    const artists = shapes.success("artists", shapes.artistsID3).parse(await ok(listener, "getArtists")).artists;
    const letterS = artists.index?.find((index) => index.name === "S");
    expect(letterS?.artist?.find((artist) => artist.id === library.artistId)).toEqual({
      id: library.artistId,
      name: library.artistName,
      coverArt: `ar-${library.artistId}`,
      albumCount: 1,
    });
    const indexes = shapes.success("indexes", shapes.indexes).parse(await ok(listener, "getIndexes")).indexes;
    expect(indexes.index?.find((index) => index.name === "S")?.artist?.some((artist) => artist.id === library.artistId)).toBe(true);
    expect(indexes.lastModified).toBeGreaterThan(0);
    // Other suites publish tracks meanwhile: a time past any of them is "nothing changed".
    const unchanged = shapes.success("indexes", shapes.indexes).parse(await ok(listener, "getIndexes", { ifModifiedSince: Date.now() + 86_400_000 })).indexes;
    expect(unchanged.index).toBeUndefined();
  });

  it("getArtist has its albums, getAlbum its published songs in order, getSong one song", async () => {
    const artist = shapes.success("artist", shapes.artistWithAlbumsID3).parse(await ok(listener, "getArtist", { id: library.artistId })).artist;
    expect(artist).toMatchObject({ id: library.artistId, name: library.artistName, albumCount: 1, album: [{ id: library.albumId, songCount: 3 }] });

    const album = shapes.success("album", shapes.albumID3WithSongs).parse(await ok(listener, "getAlbum", { id: library.albumId })).album;
    expect(album).toMatchObject({
      id: library.albumId,
      artistId: library.artistId,
      songCount: 3,
      duration: 606,
      year: 2021,
      genre: library.genre,
      genres: [{ name: library.genre }],
      coverArt: `al-${library.albumId}`,
      releaseDate: { year: 2021, month: 5, day: 1 },
      explicitStatus: "explicit",
    });
    expect(album.song.map((song) => song.id)).toEqual(library.trackIds);
    const first = album.song[0];
    expect(first).toMatchObject({
      isDir: false,
      track: 1,
      duration: 201,
      albumId: library.albumId,
      parent: library.albumId,
      artistId: library.artistId,
      suffix: "m4a",
      contentType: "audio/mp4",
      bitRate: 128,
      size: library.standard.byteLength,
      isrc: ["RUA1D2300001"],
      mediaType: "song",
      type: "music",
      replayGain: { trackGain: -4 },
      explicitStatus: "",
    });

    const song = shapes.success("song", shapes.child).parse(await ok(listener, "getSong", { id: library.trackIds[1] ?? "" })).song;
    expect(song).toMatchObject({ id: library.trackIds[1], explicitStatus: "explicit", track: 2 });
  });

  it("answers 70 for ids that name nothing, and 10 for a missing id", async () => {
    for (const method of ["getArtist", "getAlbum", "getSong"]) {
      expect(await call(listener, method, { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
      expect(await call(listener, method, { id: "../../etc/passwd" })).toMatchObject({ status: "failed", error: { code: 70 } });
      expect(await call(listener, method)).toMatchObject({ status: "failed", error: { code: 10 } });
    }
  });

  it("getGenres counts songs and albums", async () => {
    const genres = shapes.success("genres", shapes.genres).parse(await ok(listener, "getGenres")).genres;
    expect(genres.genre?.find((genre) => genre.value === library.genre)).toEqual({ value: library.genre, songCount: 3, albumCount: 1 });
    const xml = await (await rest("getGenres", { apiKey: listener.apiKey })).text();
    expect(xml).toContain(`<genre songCount="3" albumCount="1">${library.genre}</genre>`);
  });
});

describe("Subsonic lists and search in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  let catalog: SeededCatalog;
  beforeAll(async () => {
    [listener, library, catalog] = await Promise.all([listenerWithKey(), seedLibrary(), seedCatalog()]);
  });

  const albumIds = async (params: Record<string, string | number>) =>
    (shapes.success("albumList2", shapes.albumList2).parse(await ok(listener, "getAlbumList2", params)).albumList2.album ?? []).map((album) => album.id);

  it("getAlbumList2 by genre, year, name, newest, random; starred after star", async () => {
    expect(await albumIds({ type: "byGenre", genre: library.genre })).toEqual([library.albumId]);
    expect(await albumIds({ type: "byYear", fromYear: 2021, toYear: 2021, size: 500 })).toContain(library.albumId);
    expect(await albumIds({ type: "byYear", fromYear: 1990, toYear: 1991, size: 500 })).not.toContain(library.albumId);
    expect(await albumIds({ type: "newest", size: 500 })).toContain(library.albumId);
    expect((await albumIds({ type: "random", size: 2 })).length).toBeLessThanOrEqual(2);
    expect((await albumIds({ type: "alphabeticalByName", size: 500 })).length).toBeGreaterThan(0);
    expect((await albumIds({ type: "frequent", size: 3 })).length).toBeLessThanOrEqual(3);
    expect(await albumIds({ type: "starred" })).toEqual([]);
    await ok(listener, "star", { albumId: library.albumId });
    expect(await albumIds({ type: "starred" })).toEqual([library.albumId]);
    expect(await call(listener, "getAlbumList2")).toMatchObject({ status: "failed", error: { code: 10 } });
    expect(await call(listener, "getAlbumList2", { type: "byYear" })).toMatchObject({ status: "failed", error: { code: 10 } });
    expect(await call(listener, "getAlbumList2", { type: "bogus" })).toMatchObject({ status: "failed", error: { code: 0 } });
    expect(await call(listener, "getAlbumList2", { type: "newest", size: "ten" })).toMatchObject({ status: "failed", error: { code: 0 } });
  });

  it("getRandomSongs and getSongsByGenre stay inside the genre, published songs only", async () => {
    const random =
      shapes.success("randomSongs", shapes.songs).parse(await ok(listener, "getRandomSongs", { genre: library.genre, size: 10 })).randomSongs.song ?? [];
    expect(random.map((song) => song.id).sort()).toEqual([...library.trackIds].sort());
    const byGenre =
      shapes.success("songsByGenre", shapes.songs).parse(await ok(listener, "getSongsByGenre", { genre: library.genre, count: 2, offset: 1 })).songsByGenre
        .song ?? [];
    // Newest first: song 3, 2, 1; the page after the first.
    expect(byGenre.map((song) => song.id)).toEqual([library.trackIds[1], library.trackIds[0]]);
    expect(await call(listener, "getSongsByGenre")).toMatchObject({ status: "failed", error: { code: 10 } });
  });

  it("search3 goes through TUNEC's search: transliteration finds Cyrillic titles", async () => {
    const result = shapes
      .success("searchResult3", shapes.searchResult3)
      .parse(await ok(listener, "search3", { query: `gruppa krovi ${catalog.tag}` })).searchResult3;
    expect(result.song?.[0]?.id).toBe(catalog.albumTrackIds[0]);
    expect(result.album?.map((album) => album.id)).toContain(catalog.albumId);
    const artists = shapes
      .success("searchResult3", shapes.searchResult3)
      .parse(await ok(listener, "search3", { query: `земфира ${catalog.tag}`, albumCount: 0, songCount: 0 })).searchResult3;
    expect(artists.artist?.[0]?.id).toBe(catalog.featuredId);
    expect(artists.song ?? []).toEqual([]);
    const paged = shapes
      .success("searchResult3", shapes.searchResult3)
      .parse(await ok(listener, "search3", { query: catalog.tag, songCount: 1, songOffset: 1, artistCount: 0, albumCount: 0 })).searchResult3;
    expect(paged.song).toHaveLength(1);
    expect(paged.song?.[0]?.id).not.toBe(catalog.draftId);
  });

  it("search3 with an empty query lists the library in pages, as the spec asks", async () => {
    const page = async (offset: number) =>
      shapes
        .success("searchResult3", shapes.searchResult3)
        .parse(await ok(listener, "search3", { query: "", songCount: 2, songOffset: offset, artistCount: 1, albumCount: 1 })).searchResult3;
    // Other suites publish tracks meanwhile, so pages are checked for their size, not against each other.
    const [first, second] = await Promise.all([page(0), page(2)]);
    expect(first.song).toHaveLength(2);
    expect(first.artist).toHaveLength(1);
    expect(first.album).toHaveLength(1);
    expect(second.song).toHaveLength(2);
    expect((await call(listener, "search3", { query: '""', songCount: 1 })).status).toBe("ok");
    expect(await call(listener, "search3")).toMatchObject({ status: "failed", error: { code: 10 } });
  });
});
