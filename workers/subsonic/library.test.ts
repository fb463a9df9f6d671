import { beforeAll, describe, expect, it } from "vitest";
import * as shapes from "./opensubsonic-shapes.ts";
import { call, listenerWithKey, ok, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

const playlistOf = (body: unknown) => shapes.success("playlist", shapes.playlistWithSongs).parse(body).playlist;

describe("Subsonic stars in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  beforeAll(async () => {
    [listener, library] = await Promise.all([listenerWithKey(), seedLibrary()]);
  });

  it("star and unstar are TUNEC likes, shown by getStarred2 and on the items", async () => {
    const [song] = library.trackIds;
    if (!song) throw new Error("no track");
    await ok(listener, "star", { id: song, albumId: library.albumId, artistId: library.artistId });
    const starred = shapes.success("starred2", shapes.starred2).parse(await ok(listener, "getStarred2")).starred2;
    expect(starred.song?.map((item) => item.id)).toEqual([song]);
    expect(starred.album?.map((item) => item.id)).toEqual([library.albumId]);
    expect(starred.artist?.map((item) => item.id)).toEqual([library.artistId]);
    expect(starred.song?.[0]?.starred).toMatch(/Z$/);
    const album = shapes.success("album", shapes.albumID3WithSongs).parse(await ok(listener, "getAlbum", { id: library.albumId })).album;
    expect(album.starred).toBeDefined();
    expect(album.song.filter((item) => item.starred !== undefined).map((item) => item.id)).toEqual([song]);

    // An id alone may also be an album (folder-based clients do not say which).
    await ok(listener, "unstar", { id: library.albumId });
    await ok(listener, "unstar", { id: song, artistId: library.artistId });
    expect(shapes.success("starred2", shapes.starred2).parse(await ok(listener, "getStarred2")).starred2).toEqual({ artist: [], album: [], song: [] });
  });

  it("refuses unknown ids with 70 and a call without ids with 10", async () => {
    expect(await call(listener, "star", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(listener, "star", { albumId: library.trackIds[0] ?? "" })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(listener, "star")).toMatchObject({ status: "failed", error: { code: 10 } });
  });
});

describe("Subsonic playlists in workerd", () => {
  let owner: SubsonicListener;
  let stranger: SubsonicListener;
  let library: SeededLibrary;
  beforeAll(async () => {
    [owner, stranger, library] = await Promise.all([listenerWithKey(), listenerWithKey(), seedLibrary()]);
  });

  it("creates, lists, reads, updates and deletes a playlist", async () => {
    const [a, b, c] = library.trackIds;
    if (!a || !b || !c) throw new Error("tracks missing");
    const created = playlistOf(await ok(owner, "createPlaylist", { name: "Road trip", songId: [a, b] }));
    expect(created).toMatchObject({ name: "Road trip", owner: owner.email, public: false, songCount: 2, duration: 403 });
    expect(created.entry?.map((song) => song.id)).toEqual([a, b]);

    const listed = shapes.success("playlists", shapes.playlists).parse(await ok(owner, "getPlaylists")).playlists.playlist ?? [];
    expect(listed.map((playlist) => playlist.id)).toContain(created.id);

    await ok(owner, "updatePlaylist", {
      playlistId: created.id,
      name: "Road trip 2",
      comment: "for the car",
      public: "true",
      songIdToAdd: c,
      songIndexToRemove: 0,
    });
    const updated = playlistOf(await ok(owner, "getPlaylist", { id: created.id }));
    expect(updated).toMatchObject({ name: "Road trip 2", comment: "for the car", public: true, songCount: 2 });
    expect(updated.entry?.map((song) => song.id)).toEqual([b, c]);

    // createPlaylist with playlistId replaces the songs, as the spec says.
    const replaced = playlistOf(await ok(owner, "createPlaylist", { playlistId: created.id, songId: [c, a, c] }));
    expect(replaced.entry?.map((song) => song.id)).toEqual([c, a, c]);

    expect(await call(owner, "updatePlaylist", { playlistId: created.id, songIndexToRemove: 7 })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(owner, "updatePlaylist", { playlistId: created.id, songIdToAdd: crypto.randomUUID() })).toMatchObject({
      status: "failed",
      error: { code: 70 },
    });
    expect(playlistOf(await ok(owner, "getPlaylist", { id: created.id })).songCount).toBe(3);

    await ok(owner, "deletePlaylist", { id: created.id });
    expect(await call(owner, "getPlaylist", { id: created.id })).toMatchObject({ status: "failed", error: { code: 70 } });
  });

  it("keeps another listener's private playlist a secret (70), and a public one read-only (50)", async () => {
    const secret = playlistOf(await ok(owner, "createPlaylist", { name: "Secret", songId: library.trackIds[0] ?? "" }));
    const privateAnswer = await call(stranger, "getPlaylist", { id: secret.id });
    expect(privateAnswer).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(privateAnswer).not.toHaveProperty("playlist");
    expect(await call(stranger, "updatePlaylist", { playlistId: secret.id, name: "mine now" })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(stranger, "deletePlaylist", { id: secret.id })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect(await call(stranger, "createPlaylist", { playlistId: secret.id, songId: library.trackIds[1] ?? "" })).toMatchObject({
      status: "failed",
      error: { code: 70 },
    });
    expect((shapes.success("playlists", shapes.playlists).parse(await ok(stranger, "getPlaylists")).playlists.playlist ?? []).map((p) => p.id)).not.toContain(
      secret.id,
    );

    await ok(owner, "updatePlaylist", { playlistId: secret.id, public: true });
    const visible = playlistOf(await ok(stranger, "getPlaylist", { id: secret.id }));
    // The owner's email stays theirs: strangers see a neutral name.
    expect(visible.owner).not.toBe(owner.email);
    expect(await call(stranger, "updatePlaylist", { playlistId: secret.id, name: "mine now" })).toMatchObject({ status: "failed", error: { code: 50 } });
    expect(await call(stranger, "deletePlaylist", { id: secret.id })).toMatchObject({ status: "failed", error: { code: 50 } });
    expect(playlistOf(await ok(owner, "getPlaylist", { id: secret.id })).name).toBe("Secret");
    expect(await call(stranger, "getPlaylists", { username: owner.email })).toMatchObject({ status: "failed", error: { code: 50 } });
  });

  it("refuses a new playlist without a name (10) and leaves none behind for a bad song (70)", async () => {
    expect(await call(owner, "createPlaylist", {})).toMatchObject({ status: "failed", error: { code: 10 } });
    const before = (shapes.success("playlists", shapes.playlists).parse(await ok(owner, "getPlaylists")).playlists.playlist ?? []).length;
    expect(await call(owner, "createPlaylist", { name: "Broken", songId: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
    expect((shapes.success("playlists", shapes.playlists).parse(await ok(owner, "getPlaylists")).playlists.playlist ?? []).length).toBe(before);
  });
});
