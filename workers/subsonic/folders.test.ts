import { beforeAll, describe, expect, it } from "vitest";
import { seedCatalog, type SeededCatalog } from "../catalog/testing.ts";
import * as shapes from "./opensubsonic-shapes.ts";
import { call, listenerWithKey, ok, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

describe("Subsonic file-structure methods in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  let catalog: SeededCatalog;
  beforeAll(async () => {
    [listener, library, catalog] = await Promise.all([listenerWithKey(), seedLibrary(), seedCatalog()]);
  });

  it("getMusicDirectory: an artist is a folder of albums and singles, an album a folder of songs", async () => {
    const artist = shapes.success("directory", shapes.directory).parse(await ok(listener, "getMusicDirectory", { id: catalog.artistId })).directory;
    expect(artist.name).toMatch(/^Кино /);
    expect(artist.child?.filter((item) => item.isDir).map((item) => item.id)).toEqual([catalog.albumId]);
    expect(artist.child?.filter((item) => !item.isDir).map((item) => item.id)).toEqual([catalog.singleId]);
    const album = shapes.success("directory", shapes.directory).parse(await ok(listener, "getMusicDirectory", { id: library.albumId })).directory;
    expect(album).toMatchObject({ id: library.albumId, parent: library.artistId });
    expect(album.child?.map((item) => item.id)).toEqual(library.trackIds);
    expect(await call(listener, "getMusicDirectory", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
  });

  it("getAlbumList, getStarred, search2, getArtistInfo, getAlbumInfo, getSimilarSongs answer their file-structure shapes", async () => {
    const list = shapes.success("albumList", shapes.albumList).parse(await ok(listener, "getAlbumList", { type: "byGenre", genre: library.genre })).albumList;
    expect(list.album).toEqual([expect.objectContaining({ id: library.albumId, isDir: true, parent: library.artistId, title: expect.any(String) })]);

    await ok(listener, "star", { id: [library.trackIds[0] ?? "", library.albumId, library.artistId] });
    const starred = shapes.success("starred", shapes.starred).parse(await ok(listener, "getStarred")).starred;
    expect(starred.artist?.map((item) => item.id)).toEqual([library.artistId]);
    expect(starred.album?.map((item) => [item.id, item.isDir])).toEqual([[library.albumId, true]]);
    expect(starred.song?.map((item) => item.id)).toEqual([library.trackIds[0]]);

    const found = shapes.success("searchResult2", shapes.searchResult2).parse(await ok(listener, "search2", { query: `kino ${catalog.tag}` })).searchResult2;
    expect(found.artist?.[0]?.id).toBe(catalog.artistId);

    expect(shapes.success("artistInfo", shapes.artistInfo).parse(await ok(listener, "getArtistInfo", { id: library.artistId })).artistInfo).toBeTruthy();
    expect(
      shapes.success("albumInfo", shapes.albumInfo).parse(await ok(listener, "getAlbumInfo", { id: library.trackIds[0] ?? "" })).albumInfo.largeImageUrl,
    ).toBe(`https://tunec.test/media/${library.coverKey}`);
    expect(shapes.success("similarSongs", shapes.songs).parse(await ok(listener, "getSimilarSongs", { id: library.albumId })).similarSongs).toBeTruthy();
  });
});
