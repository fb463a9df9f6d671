import { beforeAll, describe, expect, it } from "vitest";
import type { TrackBody } from "./schemas.ts";
import { get, seedCatalog, type SeededCatalog } from "./testing.ts";

interface TrackPage {
  tracks: TrackBody[];
  next_cursor: string | null;
}

describe("catalog read API in workerd", () => {
  let seeded: SeededCatalog;
  beforeAll(async () => {
    seeded = await seedCatalog();
  });

  it("lists an artist's published tracks newest first, with credits, album and cover URL", async () => {
    const response = await get(`/tracks?artist=${seeded.artistId}`);
    expect(response.status).toBe(200);
    const page = await response.json<TrackPage>();
    expect(page.tracks.map((track) => track.id)).toEqual([seeded.singleId, seeded.albumTrackIds[1], seeded.albumTrackIds[0]]);
    expect(page.next_cursor).toBeNull();
    const [single, , first] = page.tracks;
    expect(single).toMatchObject({
      title: `Хочешь ${seeded.tag}`,
      artists: [
        { id: seeded.artistId, name: `Кино ${seeded.tag}`, role: "main" },
        { id: seeded.featuredId, name: `Zemfira ${seeded.tag}`, role: "featured" },
      ],
      album: null,
      explicit: true,
      cover_url: null,
    });
    expect(first).toMatchObject({
      title: `Группа крови ${seeded.tag}`,
      album: { id: seeded.albumId, title: `Группа крови ${seeded.tag}` },
      position: 1,
      genres: ["rock", "post-punk"],
      language: "ru",
      isrc: "SUA018800001",
      cover_url: `/media/covers/${seeded.tag}%201.jpg`,
      published_at: "2024-01-01T00:01:00.000000Z",
    });
  });

  it("pages with an opaque cursor in a stable order, without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const response = await get(`/tracks?artist=${seeded.artistId}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const body = await response.json<TrackPage>();
      seen.push(...body.tracks.map((track) => track.id));
      cursor = body.next_cursor;
      if (!cursor) break;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(seen).toEqual([seeded.singleId, seeded.albumTrackIds[1], seeded.albumTrackIds[0]]);
  });

  it.each([
    ["album", (s: SeededCatalog) => `album=${s.albumId}`, (s: SeededCatalog) => [s.albumTrackIds[1], s.albumTrackIds[0]]],
    ["genre", (s: SeededCatalog) => `artist=${s.artistId}&genre=post-punk`, (s: SeededCatalog) => [s.albumTrackIds[1], s.albumTrackIds[0]]],
    ["explicit", (s: SeededCatalog) => `artist=${s.artistId}&explicit=true`, (s: SeededCatalog) => [s.singleId]],
    ["language", (s: SeededCatalog) => `artist=${s.artistId}&language=en`, () => []],
    ["featured artist", (s: SeededCatalog) => `artist=${s.featuredId}`, (s: SeededCatalog) => [s.singleId]],
  ])("filters by %s", async (_name, query, expected) => {
    const body = await (await get(`/tracks?${query(seeded)}`)).json<TrackPage>();
    expect(body.tracks.map((track) => track.id)).toEqual(expected(seeded));
  });

  it("returns one published track", async () => {
    const response = await get(`/tracks/${seeded.singleId}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: seeded.singleId, duration_ms: 200_004, artists: [{ role: "main" }, { role: "featured" }] });
  });

  it("returns an album with its published tracks in album order and its cover", async () => {
    const response = await get(`/albums/${seeded.albumId}`);
    expect(response.status).toBe(200);
    const album = await response.json<{ tracks: TrackBody[] } & Record<string, unknown>>();
    expect(album).toMatchObject({
      id: seeded.albumId,
      title: `Группа крови ${seeded.tag}`,
      kind: "album",
      release_date: "1988-01-04",
      cover_url: `/media/covers/${seeded.tag}%201.jpg`,
      artist: { id: seeded.artistId, name: `Кино ${seeded.tag}` },
    });
    expect(album.tracks.map((track) => track.position)).toEqual([1, 3]);
  });

  it("returns an artist with top tracks by popularity and an image URL", async () => {
    const response = await get(`/artists/${seeded.artistId}`);
    expect(response.status).toBe(200);
    const artist = await response.json<{ top_tracks: TrackBody[] } & Record<string, unknown>>();
    expect(artist).toMatchObject({ id: seeded.artistId, name: `Кино ${seeded.tag}`, image_url: `/media/artists/${seeded.tag}.jpg` });
    expect(artist.top_tracks.map((track) => track.id)).toEqual([seeded.singleId, seeded.albumTrackIds[1], seeded.albumTrackIds[0]]);
  });
});
