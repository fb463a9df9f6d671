import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUpWithRoles } from "../../auth/testing.ts";
import { signUpArtist, withDb, type Artist } from "../../ingestion/testing.ts";
import { addArtistManager } from "../artist-managers.ts";

interface Release {
  id: string;
  artist: { id: string; name: string };
  title: string;
  type: string;
  release_date: string | null;
  cover_url: string | null;
  genres: string[];
  track_count: number;
  tracks: Array<{ id: string; title: string; position: number | null; status: string }>;
}

function call(path: string, token: string | null, method = "GET", body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const all: Record<string, string> = { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const isBytes = body instanceof Uint8Array;
  if (body !== undefined && !isBytes) all["content-type"] = "application/json";
  const payload: BodyInit | undefined = body === undefined ? undefined : isBytes ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body);
  return SELF.fetch(`https://tunec.test${path}`, { method, headers: all, body: payload });
}

async function createRelease(artist: Artist, body: Record<string, unknown> = {}): Promise<Release> {
  const response = await call("/me/releases", artist.token, "POST", {
    artist_id: artist.artistId,
    title: "Группа крови",
    type: "album",
    release_date: "1988-01-04",
    genres: ["Rock"],
    ...body,
  });
  if (response.status !== 201) throw new Error(`POST /me/releases answered ${response.status}: ${await response.text()}`);
  return response.json<Release>();
}

/** Tracks as the catalog writer stores them: published, in the release at these positions. */
const addTracks = (artist: Artist, releaseId: string, titles: string[]) =>
  withDb(async (db) => {
    const rows = await db
      .insertInto("catalog.tracks")
      .values(
        titles.map((title, index) => ({
          title,
          artist_id: artist.artistId,
          album_id: releaseId,
          position: index + 1,
          duration_ms: 200_000,
          status: "published" as const,
          published_at: new Date(),
        })),
      )
      .returning(["id", "title"])
      .execute();
    return titles.map((title) => rows.find((row) => row.title === title)?.id ?? "");
  });

const trackStamps = (releaseId: string) =>
  withDb((db) => db.selectFrom("catalog.tracks").select(["id", "updated_at"]).where("album_id", "=", releaseId).orderBy("id").execute());

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3, 4, 5]);

describe("releases managed by their artists", () => {
  it("an artist creates a release, finds it in the list, and listeners see it at /albums/{id} once a track is published", async () => {
    const artist = await signUpArtist("Кино");
    const release = await createRelease(artist);
    expect(release).toMatchObject({
      artist: { id: artist.artistId, name: "Кино" },
      title: "Группа крови",
      type: "album",
      release_date: "1988-01-04",
      genres: ["rock"],
      track_count: 0,
      tracks: [],
      cover_url: null,
    });
    const list = await (await call("/me/releases", artist.token)).json<{ items: Release[]; next_cursor: string | null }>();
    expect(list.items.map((item) => item.id)).toEqual([release.id]);
    expect((await call(`/albums/${release.id}`, null)).status).toBe(404);

    const [first, second] = await addTracks(artist, release.id, ["Группа крови", "Закрой за мной дверь"]);
    const mine = await (await call(`/me/releases/${release.id}`, artist.token)).json<Release>();
    expect(mine.tracks.map((track) => [track.id, track.position])).toEqual([
      [first, 1],
      [second, 2],
    ]);
    const album = await call(`/albums/${release.id}`, null);
    expect(album.status).toBe(200);
    expect(await album.json()).toMatchObject({ title: "Группа крови", kind: "album", genres: ["rock"], tracks: [{ id: first }, { id: second }] });
  });

  it("PATCH changes title, type, date and genres; the release's tracks are touched so CDC republishes them; a no-op writes nothing", async () => {
    const artist = await signUpArtist();
    const release = await createRelease(artist);
    await addTracks(artist, release.id, ["Один", "Два"]);
    const before = await trackStamps(release.id);
    const edited = await call(`/me/releases/${release.id}`, artist.token, "PATCH", {
      title: "Звезда по имени Солнце",
      type: "ep",
      release_date: null,
      genres: ["post-punk"],
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ title: "Звезда по имени Солнце", type: "ep", release_date: null, genres: ["post-punk"], track_count: 2 });
    const after = await trackStamps(release.id);
    for (const [index, row] of after.entries()) expect(row.updated_at.getTime()).toBeGreaterThan(before[index]?.updated_at.getTime() ?? Infinity);

    expect((await call(`/me/releases/${release.id}`, artist.token, "PATCH", { title: "Звезда по имени Солнце" })).status).toBe(200);
    expect(await trackStamps(release.id)).toEqual(after);
    for (const body of [
      {},
      { type: "compilation" },
      { title: "" },
      { release_date: "04.01.1988" },
      { genres: Array(11).fill("rock") },
      { cover: "covers/someone-elses.jpg" },
    ]) {
      expect((await call(`/me/releases/${release.id}`, artist.token, "PATCH", body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it("PUT /tracks sets the order (only moved tracks are written); a list that is not the release's tracks is refused", async () => {
    const artist = await signUpArtist();
    const release = await createRelease(artist);
    const [a, b, c] = await addTracks(artist, release.id, ["A", "B", "C"]);
    const ordered = await call(`/me/releases/${release.id}/tracks`, artist.token, "PUT", { track_ids: [c, a, b] });
    expect(ordered.status).toBe(200);
    expect((await ordered.json<Release>()).tracks.map((track) => [track.id, track.position])).toEqual([
      [c, 1],
      [a, 2],
      [b, 3],
    ]);
    const stamps = new Map((await trackStamps(release.id)).map((row) => [row.id, row.updated_at.getTime()]));
    await call(`/me/releases/${release.id}/tracks`, artist.token, "PUT", { track_ids: [c, b, a] });
    const moved = new Map((await trackStamps(release.id)).map((row) => [row.id, row.updated_at.getTime()]));
    expect(moved.get(c ?? "")).toBe(stamps.get(c ?? ""));
    expect(moved.get(a ?? "")).toBeGreaterThan(stamps.get(a ?? "") ?? Infinity);
    await call(`/me/releases/${release.id}/tracks`, artist.token, "PUT", { track_ids: [c, a, b] });
    const [other] = await addTracks(artist, (await createRelease(artist, { title: "Другой" })).id, ["Чужой трек"]);
    for (const track_ids of [
      [a, b],
      [a, b, c, c],
      [a, b, c, other],
      [a, b, crypto.randomUUID()],
    ]) {
      const refused = await call(`/me/releases/${release.id}/tracks`, artist.token, "PUT", { track_ids });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    }
    expect((await (await call(`/me/releases/${release.id}`, artist.token)).json<Release>()).tracks.map((track) => track.id)).toEqual([c, a, b]);
  });

  it("PUT /cover stores a JPEG, PNG or WebP in the media bucket and replaces the old one; other bytes are refused", async () => {
    const artist = await signUpArtist();
    const release = await createRelease(artist);
    const stored = await call(`/me/releases/${release.id}/cover`, artist.token, "PUT", jpeg, { "content-type": "image/jpeg" });
    expect(stored.status).toBe(200);
    const first = (await stored.json<Release>()).cover_url ?? "";
    expect(first).toMatch(new RegExp(`/releases/${release.id}/cover-[0-9a-f-]+\\.jpg$`));
    const key = decodeURIComponent(new URL(first, "https://tunec.test").pathname.replace(/^\/media\//, ""));
    expect((await env.MEDIA.get(key))?.httpMetadata?.contentType).toBe("image/jpeg");

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const replaced = await call(`/me/releases/${release.id}/cover`, artist.token, "PUT", png, { "content-type": "image/png" });
    expect((await replaced.json<Release>()).cover_url).toMatch(/\.png$/);
    expect(await env.MEDIA.head(key)).toBeNull();

    expect((await call(`/me/releases/${release.id}/cover`, artist.token, "PUT", png, { "content-type": "image/jpeg" })).status).toBe(415);
    expect((await call(`/me/releases/${release.id}/cover`, artist.token, "PUT", png, { "content-type": "image/gif" })).status).toBe(415);
    const huge = new Uint8Array(10 * 1024 * 1024 + 1);
    huge.set(jpeg);
    expect((await call(`/me/releases/${release.id}/cover`, artist.token, "PUT", huge, { "content-type": "image/jpeg" })).status).toBe(413);

    const removed = await call(`/me/releases/${release.id}`, artist.token, "PATCH", { cover: null });
    expect(await removed.json()).toMatchObject({ cover_url: null });
  });

  it("an account managing several profiles lists each one's releases and may filter by profile", async () => {
    const label = await signUpArtist("Лейбл: первый");
    const second = await withDb(async (db) => {
      const row = await db.insertInto("catalog.artists").values({ name: "Лейбл: второй" }).returning("id").executeTakeFirstOrThrow();
      await addArtistManager(db, { artistId: row.id, userId: label.userId, addedBy: null });
      return row.id;
    });
    const one = await createRelease(label, { title: "Первый" });
    const two = await createRelease(label, { artist_id: second, title: "Второй", type: "single" });
    const three = await createRelease(label, { artist_id: second, title: "Третий", type: "ep" });
    const all = await (await call("/me/releases?limit=2", label.token)).json<{ items: Release[]; next_cursor: string | null }>();
    expect(all.items.map((item) => item.id)).toEqual([three.id, two.id]);
    const rest = await (await call(`/me/releases?limit=2&cursor=${all.next_cursor}`, label.token)).json<{ items: Release[]; next_cursor: string | null }>();
    expect(rest).toEqual({ items: [expect.objectContaining({ id: one.id })], next_cursor: null });
    const filtered = await (await call(`/me/releases?artist_id=${second}`, label.token)).json<{ items: Release[] }>();
    expect(filtered.items.map((item) => item.id)).toEqual([three.id, two.id]);
  });
});

describe("releases: who may touch them", () => {
  it("anonymous 401 and listeners 403 on every route", async () => {
    const owner = await signUpArtist();
    const release = await createRelease(owner);
    const listener = await signUpWithRoles(["listener"]);
    const routes: Array<[string, string, unknown]> = [
      ["POST", "/me/releases", { artist_id: owner.artistId, title: "x", type: "single" }],
      ["GET", "/me/releases", undefined],
      ["GET", `/me/releases/${release.id}`, undefined],
      ["PATCH", `/me/releases/${release.id}`, { title: "Hijacked" }],
      ["PUT", `/me/releases/${release.id}/tracks`, { track_ids: [] }],
      ["PUT", `/me/releases/${release.id}/cover`, jpeg],
    ];
    for (const [method, path, body] of routes) {
      const headers: Record<string, string> = body instanceof Uint8Array ? { "content-type": "image/jpeg" } : {};
      expect((await call(path, null, method, body, headers)).status, `${method} ${path}`).toBe(401);
      expect((await call(path, listener.access_token, method, body, headers)).status, `${method} ${path}`).toBe(403);
    }
    expect((await (await call(`/me/releases/${release.id}`, owner.token)).json<Release>()).title).toBe("Группа крови");
  });

  it("an artist never sees or edits another profile's release (404) nor creates one for it (403)", async () => {
    const owner = await signUpArtist("Владелец");
    const intruder = await signUpArtist("Чужой");
    const release = await createRelease(owner);
    const [track] = await addTracks(owner, release.id, ["Пачка сигарет"]);
    expect((await call("/me/releases", intruder.token, "POST", { artist_id: owner.artistId, title: "Подделка", type: "single" })).status).toBe(403);
    expect((await call(`/me/releases/${release.id}`, intruder.token)).status).toBe(404);
    expect((await call(`/me/releases/${release.id}`, intruder.token, "PATCH", { title: "Hijacked" })).status).toBe(404);
    expect((await call(`/me/releases/${release.id}/tracks`, intruder.token, "PUT", { track_ids: [track] })).status).toBe(404);
    expect((await call(`/me/releases/${release.id}/cover`, intruder.token, "PUT", jpeg, { "content-type": "image/jpeg" })).status).toBe(404);
    expect((await (await call("/me/releases", intruder.token)).json<{ items: Release[] }>()).items).toEqual([]);
    expect((await (await call(`/me/releases?artist_id=${owner.artistId}`, intruder.token)).json<{ items: Release[] }>()).items).toEqual([]);
    const untouched = await (await call(`/me/releases/${release.id}`, owner.token)).json<Release>();
    expect(untouched).toMatchObject({ title: "Группа крови", cover_url: null, tracks: [{ id: track, position: 1 }] });
    // Losing the manager link loses the release.
    await withDb((db) => db.deleteFrom("catalog.artist_managers").where("user_id", "=", owner.userId).execute());
    expect((await call(`/me/releases/${release.id}`, owner.token)).status).toBe(404);
  });
});
