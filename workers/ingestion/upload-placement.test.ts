import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addArtistManager } from "../catalog/artist-managers.ts";
import { bearer, signUpArtist, withDb, type Artist } from "./testing.ts";

interface Created {
  upload_id: string;
  track_id: string;
}

function create(artist: Artist, body: Record<string, unknown> = {}): Promise<Response> {
  return SELF.fetch("https://tunec.test/tracks", {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(artist.token) },
    body: JSON.stringify({ title: "Кукушка", content_type: "audio/mpeg", size_bytes: 4096, ...body }),
  });
}

const status = async (artist: Artist, uploadId: string) =>
  (await SELF.fetch(`https://tunec.test/uploads/${uploadId}`, { headers: bearer(artist.token) })).json<{
    status: string;
    artist_id: string;
    release_id: string | null;
    position: number | null;
  }>();

const newRelease = (artistId: string, title = "Чёрный альбом") =>
  withDb(
    async (db) => (await db.insertInto("catalog.albums").values({ title, artist_id: artistId, kind: "album" }).returning("id").executeTakeFirstOrThrow()).id,
  );

const uploadRow = (id: string) =>
  withDb((db) => db.selectFrom("ingestion.uploads").select(["artist_id", "album_id", "position"]).where("id", "=", id).executeTakeFirstOrThrow());

describe("uploads name their artist profile (catalog.artist_managers)", () => {
  it("a profile linked only through artist_managers uploads; catalog.artists.user_id is not read", async () => {
    const artist = await signUpArtist("Только менеджер");
    expect(await withDb((db) => db.selectFrom("catalog.artists").select("user_id").where("id", "=", artist.artistId).executeTakeFirstOrThrow())).toEqual({
      user_id: null,
    });
    const created = await create(artist);
    expect(created.status).toBe(201);
    expect((await uploadRow((await created.json<Created>()).upload_id)).artist_id).toBe(artist.artistId);

    // The retired one-to-one column gives no right to upload.
    const stranger = await signUpArtist("Без связи");
    await withDb(async (db) => {
      await db.deleteFrom("catalog.artist_managers").where("user_id", "=", stranger.userId).execute();
      await db.updateTable("catalog.artists").set({ user_id: stranger.userId }).where("id", "=", stranger.artistId).execute();
    });
    expect((await create(stranger)).status).toBe(409);
  });

  it("an account managing several profiles names one: none → 400, another's → 403, its own → stored; a release implies its profile", async () => {
    const label = await signUpArtist("Лейбл: первый");
    const other = await signUpArtist("Чужой артист");
    const second = await withDb(async (db) => {
      const row = await db.insertInto("catalog.artists").values({ name: "Лейбл: второй" }).returning("id").executeTakeFirstOrThrow();
      await addArtistManager(db, { artistId: row.id, userId: label.userId, addedBy: null });
      return row.id;
    });
    const unnamed = await create(label);
    expect(unnamed.status).toBe(400);
    expect(await unnamed.json()).toMatchObject({ errors: [{ field: "body.artist_id" }] });
    const foreign = await create(label, { artist_id: other.artistId });
    expect(foreign.status).toBe(403);
    const named = await create(label, { artist_id: second });
    expect(named.status).toBe(201);
    expect((await uploadRow((await named.json<Created>()).upload_id)).artist_id).toBe(second);

    const release = await newRelease(second);
    const viaRelease = await create(label, { release_id: release, position: 1 });
    expect(viaRelease.status).toBe(201);
    const { upload_id } = await viaRelease.json<Created>();
    expect(await uploadRow(upload_id)).toEqual({ artist_id: second, album_id: release, position: 1 });
    expect(await status(label, upload_id)).toMatchObject({ artist_id: second, release_id: release, position: 1 });
    // A release of one profile cannot be filled in the name of another.
    expect((await create(label, { artist_id: label.artistId, release_id: release, position: 2 })).status).toBe(400);
  });
});

describe("uploads name their release and position", () => {
  it("another artist's release → 400; a position held by a track or an upload on its way → 409; a refused upload frees it", async () => {
    const artist = await signUpArtist("Кино");
    const other = await signUpArtist("Алиса");
    const release = await newRelease(artist.artistId);
    const theirs = await newRelease(other.artistId, "Шестой лесничий");
    expect((await create(artist, { release_id: theirs, position: 1 })).status).toBe(400);
    expect((await create(other, { release_id: release })).status).toBe(400);

    const first = await create(artist, { release_id: release, position: 1 });
    expect(first.status).toBe(201);
    const clash = await create(artist, { release_id: release, position: 1 });
    expect(clash.status).toBe(409);
    expect((await clash.json<{ detail: string }>()).detail).toContain("upload on its way");
    const { upload_id } = await first.json<Created>();
    await withDb((db) =>
      db.updateTable("ingestion.uploads").set({ state: "rejected", rejection_code: "truncated", rejection_message: "x" }).where("id", "=", upload_id).execute(),
    );
    expect((await create(artist, { release_id: release, position: 1 })).status).toBe(201);

    await withDb((db) =>
      db
        .insertInto("catalog.tracks")
        .values({ title: "Кончится лето", artist_id: artist.artistId, album_id: release, position: 2, duration_ms: 1000 })
        .execute(),
    );
    expect((await create(artist, { release_id: release, position: 2 })).status).toBe(409);
  });

  it("album_id still works as the old name of release_id; both at once must agree; a position needs a release", async () => {
    const artist = await signUpArtist();
    const release = await newRelease(artist.artistId);
    const legacy = await create(artist, { album_id: release, position: 3 });
    expect(legacy.status).toBe(201);
    expect(await uploadRow((await legacy.json<Created>()).upload_id)).toMatchObject({ album_id: release, position: 3 });
    expect((await create(artist, { album_id: release, release_id: crypto.randomUUID() })).status).toBe(400);
    expect((await create(artist, { position: 1 })).status).toBe(400);
  });
});

describe("an upload is published only once the catalog can show its track", () => {
  it("transcoded but not stored by the catalog writer yet → publishing; stored → published", async () => {
    const artist = await signUpArtist();
    const created = await (await create(artist)).json<Created>();
    // What the transcoder does when it writes TrackPublished.
    await withDb((db) =>
      db
        .updateTable("ingestion.uploads")
        .set({ state: "published", published_at: new Date(), duration_ms: 1000 })
        .where("id", "=", created.upload_id)
        .execute(),
    );
    expect((await SELF.fetch(`https://tunec.test/tracks/${created.track_id}`)).status).toBe(404);
    expect((await status(artist, created.upload_id)).status).toBe("publishing");
    const completeAgain = await SELF.fetch(`https://tunec.test/uploads/${created.upload_id}/complete`, { method: "POST", headers: bearer(artist.token) });
    expect((await completeAgain.json<{ status: string }>()).status).toBe("publishing");

    // What the catalog writer does with the event.
    await withDb((db) =>
      db
        .insertInto("catalog.tracks")
        .values({ id: created.track_id, title: "Кукушка", artist_id: artist.artistId, duration_ms: 1000, status: "published", published_at: new Date() })
        .execute(),
    );
    expect((await SELF.fetch(`https://tunec.test/tracks/${created.track_id}`)).status).toBe(200);
    expect((await status(artist, created.upload_id)).status).toBe("published");
  });
});
