import { beforeAll, describe, expect, it } from "vitest";
import { bearer, viaSelf, withDb } from "../playback/testing.ts";
import * as shapes from "./opensubsonic-shapes.ts";
import { call, listenerWithKey, ok, seedLibrary, type SeededLibrary, type SubsonicListener } from "./testing.ts";

describe("Subsonic play queue in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  beforeAll(async () => {
    [listener, library] = await Promise.all([listenerWithKey(), seedLibrary()]);
  });

  it("saves a queue from one player and hands it to another and to the JSON API", async () => {
    const [a, b, c] = library.trackIds;
    if (!a || !b || !c) throw new Error("tracks missing");
    expect(await ok(listener, "getPlayQueue")).not.toHaveProperty("playQueue");
    await ok(listener, "savePlayQueue", { id: [c, a], current: a, position: 42_000, c: "Symfonium" });
    const queue = shapes.success("playQueue", shapes.playQueue).parse(await ok(listener, "getPlayQueue")).playQueue;
    expect(queue).toMatchObject({ current: a, position: 42_000, username: listener.email, changedBy: "Symfonium" });
    expect(queue.entry?.map((song) => song.id)).toEqual([c, a]);

    const json = await (await viaSelf("/me/play-queue", { headers: bearer(listener.token) })).json();
    expect(json).toMatchObject({ track_ids: [c, a], current: a, position_ms: 42_000, changed_by: "Symfonium" });

    const put = await viaSelf("/me/play-queue", {
      method: "PUT",
      headers: { ...bearer(listener.token), "content-type": "application/json" },
      body: JSON.stringify({ track_ids: [b], current: b, position_ms: 5 }),
    });
    expect(put.status).toBe(204);
    expect(shapes.success("playQueue", shapes.playQueue).parse(await ok(listener, "getPlayQueue")).playQueue).toMatchObject({
      current: b,
      position: 5,
      changedBy: "web",
    });

    // A taken-down track stays saved but is not offered to players.
    await withDb((db) => db.updateTable("catalog.tracks").set({ status: "taken_down" }).where("id", "=", b).execute());
    expect(shapes.success("playQueue", shapes.playQueue).parse(await ok(listener, "getPlayQueue")).playQueue.entry ?? []).toEqual([]);

    await ok(listener, "savePlayQueue");
    expect(await ok(listener, "getPlayQueue")).not.toHaveProperty("playQueue");
    expect((await viaSelf("/me/play-queue", { headers: bearer(listener.token) })).status).toBe(404);
  });

  it("validates a queue: current in it, bounded, uuids", async () => {
    const [a, b] = library.trackIds;
    expect(await call(listener, "savePlayQueue", { id: a ?? "" })).toMatchObject({ status: "failed", error: { code: 10 } });
    expect(await call(listener, "savePlayQueue", { id: a ?? "", current: b ?? "" })).toMatchObject({ status: "failed", error: { code: 0 } });
    expect(await call(listener, "savePlayQueue", { id: "nope", current: "nope" })).toMatchObject({ status: "failed", error: { code: 70 } });
    const tooLong = await viaSelf("/me/play-queue", {
      method: "PUT",
      headers: { ...bearer(listener.token), "content-type": "application/json" },
      body: JSON.stringify({ track_ids: Array.from({ length: 1001 }, () => crypto.randomUUID()), current: null }),
    });
    expect(tooLong.status).toBe(400);
    const notInQueue = await viaSelf("/me/play-queue", {
      method: "PUT",
      headers: { ...bearer(listener.token), "content-type": "application/json" },
      body: JSON.stringify({ track_ids: [a], current: b }),
    });
    expect(notInQueue.status).toBe(400);
    expect((await viaSelf("/me/play-queue")).status).toBe(401);
  });
});

describe("Subsonic top and similar songs, artist and album info in workerd", () => {
  let listener: SubsonicListener;
  let library: SeededLibrary;
  let neighbour: SeededLibrary;
  beforeAll(async () => {
    [listener, library, neighbour] = await Promise.all([listenerWithKey(), seedLibrary(), seedLibrary()]);
    // The neighbour shares the genre; its second song is the most popular.
    await withDb(async (db) => {
      await db
        .updateTable("catalog.tracks")
        .set({ genres: [library.genre] })
        .where("artist_id", "=", neighbour.artistId)
        .execute();
      await db
        .insertInto("catalog.track_stats")
        .values({ track_id: neighbour.trackIds[1] ?? "", plays: 900, popularity: 900 })
        .execute();
      await db
        .insertInto("catalog.track_stats")
        .values({ track_id: library.trackIds[2] ?? "", plays: 50, popularity: 50 })
        .execute();
      await db
        .updateTable("catalog.artists")
        .set({ bio: "A band from the test suite.", image_key: `artists/${library.artistId}.jpg` })
        .where("id", "=", library.artistId)
        .execute();
    });
  });

  it("getTopSongs by artist name and by id (topSongsByArtistId), most popular first", async () => {
    const byName =
      shapes.success("topSongs", shapes.songs).parse(await ok(listener, "getTopSongs", { artist: library.artistName.toLowerCase(), count: 2 })).topSongs.song ??
      [];
    expect(byName.map((song) => song.id)).toEqual([library.trackIds[2], library.trackIds[1]]);
    const byId = shapes.success("topSongs", shapes.songs).parse(await ok(listener, "getTopSongs", { id: library.artistId, count: 1 })).topSongs.song ?? [];
    expect(byId.map((song) => song.id)).toEqual([library.trackIds[2]]);
    expect(shapes.success("topSongs", shapes.songs).parse(await ok(listener, "getTopSongs", { artist: "No Such Band Anywhere" })).topSongs.song).toEqual([]);
    expect(await call(listener, "getTopSongs")).toMatchObject({ status: "failed", error: { code: 10 } });
    const extensions = await call(undefined, "getOpenSubsonicExtensions");
    expect(extensions.openSubsonicExtensions).toContainEqual({ name: "topSongsByArtistId", versions: [1] });
  });

  it("getSimilarSongs2: popular songs of the same genres, not the item's own", async () => {
    for (const id of [library.artistId, library.albumId]) {
      const songs = shapes.success("similarSongs2", shapes.songs).parse(await ok(listener, "getSimilarSongs2", { id, count: 3 })).similarSongs2.song ?? [];
      expect(songs[0]?.id).toBe(neighbour.trackIds[1]);
      expect(songs.some((song) => song.artistId === library.artistId)).toBe(false);
    }
    // For a song, the artist's other songs may be similar; the song itself is not.
    const song = library.trackIds[0] ?? "";
    const similar =
      shapes.success("similarSongs2", shapes.songs).parse(await ok(listener, "getSimilarSongs2", { id: song, count: 10 })).similarSongs2.song ?? [];
    expect(similar[0]?.id).toBe(neighbour.trackIds[1]);
    expect(similar.map((item) => item.id)).not.toContain(song);
    expect(await call(listener, "getSimilarSongs2", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
  });

  it("getArtistInfo2 and getAlbumInfo2 from the artist's bio and images", async () => {
    const info = shapes.success("artistInfo2", shapes.artistInfo2).parse(await ok(listener, "getArtistInfo2", { id: library.trackIds[0] ?? "" })).artistInfo2;
    expect(info).toMatchObject({ biography: "A band from the test suite.", largeImageUrl: `https://tunec.test/media/artists/${library.artistId}.jpg` });
    expect(info.similarArtist?.map((artist) => artist.id)).toContain(neighbour.artistId);
    const album = shapes.success("albumInfo", shapes.albumInfo).parse(await ok(listener, "getAlbumInfo2", { id: library.albumId })).albumInfo;
    expect(album.largeImageUrl).toBe(`https://tunec.test/media/${library.coverKey}`);
    expect(await call(listener, "getAlbumInfo2", { id: crypto.randomUUID() })).toMatchObject({ status: "failed", error: { code: 70 } });
  });

  it("tokenInfo names the key's user", async () => {
    expect(shapes.success("tokenInfo", shapes.tokenInfo).parse(await ok(listener, "tokenInfo")).tokenInfo).toEqual({ username: listener.email });
  });
});
