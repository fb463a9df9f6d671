import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { applyAlbumUpdated, applyArtistUpdated } from "../../../origin/indexer/apply.ts";
import type { EventData } from "../../../shared/events/catalog.ts";
import { signUpWithRoles } from "../../auth/testing.ts";
import { withDb } from "../../playback/testing.ts";
import { seedCatalog } from "../testing.ts";

function call(path: string, token: string | null, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  return SELF.fetch(`https://tunec.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: "manual" });
}

const auditOf = (targetType: string, targetId: string) =>
  withDb((db) =>
    db
      .selectFrom("audit.entries")
      .select(["action", "before", "after", "reason"])
      .where("target_type", "=", targetType)
      .where("target_id", "=", targetId)
      .orderBy("id")
      .execute(),
  );

async function outboxData<T extends "tunec.catalog.artist-updated.v1" | "tunec.catalog.album-updated.v1">(type: T, key: string): Promise<EventData<T>[]> {
  const rows = await withDb((db) =>
    db.selectFrom("events.outbox").select("event").where("type", "=", type).where("key", "=", key).orderBy("created_at").execute(),
  );
  return rows.map((row) => (row.event as { data: EventData<T> }).data);
}

describe("curation of artists", () => {
  it("an editor renames an artist: audited, announced, and the search documents of every credited track follow", async () => {
    const seeded = await seedCatalog();
    const editor = await signUpWithRoles(["listener", "editor"]);
    const renamed = await call(`/admin/artists/${seeded.featuredId}`, editor.access_token, "PATCH", { name: `Земфира ${seeded.tag}` });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id: seeded.featuredId, name: `Земфира ${seeded.tag}`, merged_into: null });
    expect(await auditOf("artist", seeded.featuredId)).toEqual([
      { action: "artist.update", before: { name: `Zemfira ${seeded.tag}` }, after: { name: `Земфира ${seeded.tag}` }, reason: null },
    ]);
    const [event] = await outboxData("tunec.catalog.artist-updated.v1", seeded.featuredId);
    expect(event).toMatchObject({ name: `Земфира ${seeded.tag}`, changed: ["name"] });

    // What the indexer does with the event: the single crediting her carries the new name.
    await withDb((db) => applyArtistUpdated(db, event as EventData<"tunec.catalog.artist-updated.v1">));
    const document = await withDb((db) => db.selectFrom("search.tracks").select("artist_names").where("id", "=", seeded.singleId).executeTakeFirstOrThrow());
    expect(document.artist_names).toEqual([`Кино ${seeded.tag}`, `Земфира ${seeded.tag}`]);
  });

  it("merges a duplicate: tracks, albums and credits move, the old id redirects, and it is audited", async () => {
    const seeded = await seedCatalog();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const created = await call("/admin/artists", admin.access_token, "POST", { name: `KINO ${seeded.tag}` });
    expect(created.status).toBe(201);
    const survivor = (await created.json<{ id: string }>()).id;

    const merged = await call(`/admin/artists/${seeded.artistId}/merge`, admin.access_token, "POST", {
      into_artist_id: survivor,
      reason: "two spellings of one band",
    });
    expect(merged.status).toBe(200);
    expect(await merged.json()).toMatchObject({ merged: { id: seeded.artistId, merged_into: survivor }, into: { id: survivor }, tracks_moved: 4 });

    const old = await call(`/artists/${seeded.artistId}`, null);
    expect(old.status).toBe(308);
    expect(old.headers.get("location")).toBe(`/artists/${survivor}`);
    const profile = await (await call(`/artists/${survivor}`, null)).json<{ top_tracks: { id: string }[] }>();
    expect(profile.top_tracks.map((track) => track.id)).toContain(seeded.singleId);
    expect(await (await call(`/albums/${seeded.albumId}`, null)).json()).toMatchObject({ artist: { id: survivor } });
    expect(await auditOf("artist", seeded.artistId)).toEqual([
      {
        action: "artist.merge",
        before: { name: `Кино ${seeded.tag}` },
        after: { merged_into: survivor, into_name: `KINO ${seeded.tag}`, tracks_moved: 4, credits_moved: 0 },
        reason: "two spellings of one band",
      },
    ]);
    // Merging again, or into the merged one, or editing it, is refused.
    expect((await call(`/admin/artists/${seeded.artistId}/merge`, admin.access_token, "POST", { into_artist_id: survivor })).status).toBe(409);
    expect((await call(`/admin/artists/${seeded.featuredId}/merge`, admin.access_token, "POST", { into_artist_id: seeded.artistId })).status).toBe(409);
    expect((await call(`/admin/artists/${seeded.artistId}`, admin.access_token, "PATCH", { name: "x" })).status).toBe(409);
    expect((await call(`/admin/artists/${survivor}/merge`, admin.access_token, "POST", { into_artist_id: survivor })).status).toBe(400);
  });

  it("moves a credit and drops one the survivor already has", async () => {
    const seeded = await seedCatalog();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const merged = await call(`/admin/artists/${seeded.featuredId}/merge`, admin.access_token, "POST", { into_artist_id: seeded.artistId });
    expect(await merged.json()).toMatchObject({ tracks_moved: 0 });
    const credits = await withDb((db) =>
      db.selectFrom("catalog.track_artists").select(["artist_id", "role"]).where("track_id", "=", seeded.singleId).execute(),
    );
    expect(credits).toEqual([{ artist_id: seeded.artistId, role: "featured" }]);
  });
});

describe("curation of albums", () => {
  it("takes an album down with its tracks and restores exactly those", async () => {
    const seeded = await seedCatalog();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const [first, second] = seeded.albumTrackIds as [string, string];
    // One track is down on its own before the album goes.
    expect((await call(`/admin/tracks/${second}/takedown`, admin.access_token, "POST", { reason: "sample not cleared" })).status).toBe(200);

    const down = await call(`/admin/albums/${seeded.albumId}/takedown`, admin.access_token, "POST", { reason: "label dispute" });
    expect(await down.json()).toMatchObject({ album: { status: "taken_down" }, tracks_changed: 1 });
    expect((await call(`/albums/${seeded.albumId}`, null)).status).toBe(410);
    expect((await call(`/tracks/${first}`, null)).status).toBe(410);
    expect((await call(`/admin/tracks/${first}/restore`, admin.access_token, "POST")).status).toBe(409);

    const up = await call(`/admin/albums/${seeded.albumId}/restore`, admin.access_token, "POST");
    expect(await up.json()).toMatchObject({ album: { status: "published" }, tracks_changed: 1 });
    expect((await call(`/tracks/${first}`, null)).status).toBe(200);
    expect((await call(`/tracks/${second}`, null)).status).toBe(410);
    expect((await auditOf("album", seeded.albumId)).map((entry) => [entry.action, entry.reason])).toEqual([
      ["album.takedown", "label dispute"],
      ["album.restore", null],
    ]);
  });

  it("corrects an album's title: audited, announced, and its tracks' documents follow", async () => {
    const seeded = await seedCatalog();
    const editor = await signUpWithRoles(["listener", "editor"]);
    const edited = await call(`/admin/albums/${seeded.albumId}`, editor.access_token, "PATCH", {
      title: `Gruppa krovi ${seeded.tag}`,
      release_date: "1988-01-05",
    });
    expect(await edited.json()).toMatchObject({ title: `Gruppa krovi ${seeded.tag}`, release_date: "1988-01-05" });
    const [event] = await outboxData("tunec.catalog.album-updated.v1", seeded.albumId);
    expect(event).toMatchObject({ changed: ["title", "release_date"], status: "published" });
    await withDb((db) => applyAlbumUpdated(db, event as EventData<"tunec.catalog.album-updated.v1">));
    const document = await withDb((db) =>
      db
        .selectFrom("search.tracks")
        .select("album_title")
        .where("id", "=", seeded.albumTrackIds[0] ?? "")
        .executeTakeFirstOrThrow(),
    );
    expect(document.album_title).toBe(`Gruppa krovi ${seeded.tag}`);
  });

  it("replaces and removes an album's cover: checked image, audited, announced, the old image deleted", async () => {
    const seeded = await seedCatalog();
    const editor = await signUpWithRoles(["listener", "editor"]);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const put = (body: Uint8Array<ArrayBuffer>, type: string, id = seeded.albumId) =>
      SELF.fetch(`https://tunec.test/admin/albums/${id}/cover`, {
        method: "PUT",
        headers: { authorization: `Bearer ${editor.access_token}`, "content-type": type },
        body,
      });
    expect((await put(png, "image/jpeg")).status).toBe(415);
    expect((await put(png, "image/png", crypto.randomUUID())).status).toBe(404);
    const first = (await (await put(png, "image/png")).json()) as { cover_key: string };
    expect(first.cover_key).toMatch(new RegExp(`^releases/${seeded.albumId}/cover-.+\\.png$`));
    expect(await env.MEDIA.head(first.cover_key)).not.toBeNull();
    const second = (await (await put(png, "image/png")).json()) as { cover_key: string };
    expect(second.cover_key).not.toBe(first.cover_key);
    expect(await env.MEDIA.head(first.cover_key)).toBeNull();
    const removed = await call(`/admin/albums/${seeded.albumId}/cover`, editor.access_token, "DELETE");
    expect(await removed.json()).toMatchObject({ cover_key: null });
    expect(await env.MEDIA.head(second.cover_key)).toBeNull();
    expect((await auditOf("album", seeded.albumId)).map((entry) => [entry.action, entry.after])).toEqual([
      ["album.cover", { cover_key: first.cover_key }],
      ["album.cover", { cover_key: second.cover_key }],
      ["album.cover", { cover_key: null }],
    ]);
    expect((await outboxData("tunec.catalog.album-updated.v1", seeded.albumId)).map((event) => [event.changed, event.coverKey])).toEqual([
      [["cover"], first.cover_key],
      [["cover"], second.cover_key],
      [["cover"], null],
    ]);
  });

  it("is for admins and editors only: anonymous 401, listener and artist 403", async () => {
    const seeded = await seedCatalog();
    const callers = await Promise.all([signUpWithRoles(["listener"]), signUpWithRoles(["listener", "artist"])]);
    const routes: Array<[string, string, unknown]> = [
      ["POST", "/admin/artists", { name: "Hijack" }],
      ["PATCH", `/admin/artists/${seeded.artistId}`, { name: "Hijacked" }],
      ["POST", `/admin/artists/${seeded.featuredId}/merge`, { into_artist_id: seeded.artistId }],
      ["PATCH", `/admin/albums/${seeded.albumId}`, { title: "Hijacked" }],
      ["POST", `/admin/albums/${seeded.albumId}/takedown`, { reason: "x" }],
      ["POST", `/admin/albums/${seeded.albumId}/restore`, undefined],
      ["DELETE", `/admin/albums/${seeded.albumId}/cover`, undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(path, null, method, body)).status, `${method} ${path}`).toBe(401);
      for (const caller of callers) expect((await call(path, caller.access_token, method, body)).status, `${method} ${path}`).toBe(403);
    }
    expect(await (await call(`/artists/${seeded.artistId}`, null)).json()).toMatchObject({ name: `Кино ${seeded.tag}` });
  });
});
