import { SELF } from "cloudflare:test";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { signUpWithRoles } from "../../auth/testing.ts";
import { bearer, seedTracks, signUpListener, viaSelf, withDb } from "../../playback/testing.ts";

function call(path: string, token: string | null, method = "GET", body?: unknown): Promise<Response> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (body !== undefined) headers["content-type"] = "application/json";
  return SELF.fetch(`https://tunec.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

const auditOf = (trackId: string) =>
  withDb((db) =>
    db
      .selectFrom("audit.entries")
      .select(["action", "before", "after", "reason", "actor_id"])
      .where("target_type", "=", "track")
      .where("target_id", "=", trackId)
      .orderBy("id")
      .execute(),
  );

describe("catalog curation of tracks", () => {
  it("an editor corrects metadata: the catalog changes, the audit log has before and after, a no-op writes nothing", async () => {
    const { published } = await seedTracks();
    const editor = await signUpWithRoles(["listener", "editor"]);
    const edited = await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", {
      title: "Группа крови",
      genres: ["Rock", "post-punk"],
      isrc: "ru-a1d-24-00001",
      explicit: true,
    });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({
      title: "Группа крови",
      genres: ["rock", "post-punk"],
      isrc: "RUA1D2400001",
      explicit: true,
      status: "published",
    });
    expect(await (await call(`/tracks/${published.trackId}`, null)).json()).toMatchObject({ title: "Группа крови" });
    expect(await auditOf(published.trackId)).toEqual([
      {
        action: "track.update",
        before: { title: "Трек published", explicit: false, genres: [], isrc: null },
        after: { title: "Группа крови", explicit: true, genres: ["rock", "post-punk"], isrc: "RUA1D2400001" },
        reason: null,
        actor_id: String(decodeJwt(editor.access_token).sub),
      },
    ]);
    expect((await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", { title: "Группа крови" })).status).toBe(200);
    expect(await auditOf(published.trackId)).toHaveLength(1);
  });

  it("an editor corrects the credits: main artist and roles in order, on /tracks and in the audit log", async () => {
    const { published } = await seedTracks();
    const editor = await signUpWithRoles(["listener", "editor"]);
    const [singer, remixer, merged] = await withDb((db) =>
      db
        .insertInto("catalog.artists")
        .values([{ name: "Земфира" }, { name: "DJ Ремикс" }, { name: "Старое имя" }])
        .returning("id")
        .execute(),
    );
    if (!singer || !remixer || !merged) throw new Error("artists not inserted");
    const before = (await (await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", { title: "Трек published" })).json()) as {
      artists: { artist_id: string }[];
    };
    const original = before.artists[0]?.artist_id ?? "";
    const credits = [
      { artist_id: singer.id, role: "main" },
      { artist_id: original, role: "featured" },
      { artist_id: remixer.id, role: "remixer" },
    ];
    const edited = await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", { artists: credits });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { artists: unknown[] }).artists).toEqual([
      { artist_id: singer.id, role: "main", name: "Земфира" },
      { artist_id: original, role: "featured", name: expect.stringMatching(/^Плеер/) },
      { artist_id: remixer.id, role: "remixer", name: "DJ Ремикс" },
    ]);
    const track = (await (await call(`/tracks/${published.trackId}`, null)).json()) as { artists: { id: string; role: string }[] };
    expect(track.artists.map((artist) => [artist.id, artist.role])).toEqual([
      [singer.id, "main"],
      [original, "featured"],
      [remixer.id, "remixer"],
    ]);
    expect((await auditOf(published.trackId)).at(-1)).toMatchObject({
      before: { artists: [{ artist_id: original, role: "main" }] },
      after: { artists: credits },
    });
    // The same credits again change nothing; bad credit lists are refused.
    expect((await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", { artists: credits })).status).toBe(200);
    expect(await auditOf(published.trackId)).toHaveLength(1);
    await withDb((db) => db.updateTable("catalog.artists").set({ merged_into: singer.id }).where("id", "=", merged.id).execute());
    for (const artists of [
      [],
      [{ artist_id: remixer.id, role: "featured" }],
      [
        { artist_id: singer.id, role: "main" },
        { artist_id: singer.id, role: "main" },
      ],
      [{ artist_id: crypto.randomUUID(), role: "main" }],
      [{ artist_id: merged.id, role: "main" }],
    ]) {
      expect((await call(`/admin/tracks/${published.trackId}`, editor.access_token, "PATCH", { artists })).status, JSON.stringify(artists)).toBe(400);
    }
    expect(await auditOf(published.trackId)).toHaveLength(1);
  });

  it("a takedown answers 410 to listeners on /tracks and /stream; restore brings it back; both audited with the reason", async () => {
    const { published } = await seedTracks();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const listener = await signUpListener(viaSelf, false);
    const down = await call(`/admin/tracks/${published.trackId}/takedown`, admin.access_token, "POST", { reason: "Rights holder's request" });
    expect(await down.json()).toMatchObject({ status: "taken_down" });
    expect((await call(`/tracks/${published.trackId}`, null)).status).toBe(410);
    expect((await SELF.fetch(`https://tunec.test/stream/${published.trackId}`, { headers: bearer(listener.token) })).status).toBe(410);
    // Repeating it is harmless and records nothing more.
    expect((await call(`/admin/tracks/${published.trackId}/takedown`, admin.access_token, "POST", { reason: "again" })).status).toBe(200);

    expect(await (await call(`/admin/tracks/${published.trackId}/restore`, admin.access_token, "POST")).json()).toMatchObject({ status: "published" });
    expect((await call(`/tracks/${published.trackId}`, null)).status).toBe(200);
    expect((await auditOf(published.trackId)).map((entry) => [entry.action, entry.reason])).toEqual([
      ["track.takedown", "Rights holder's request"],
      ["track.restore", null],
    ]);
  });

  it("refuses bad input, unknown and draft tracks with clear problems", async () => {
    const { draftId } = await seedTracks();
    const admin = await signUpWithRoles(["listener", "admin"]);
    const id = crypto.randomUUID();
    expect((await call(`/admin/tracks/${id}`, admin.access_token, "PATCH", { title: "x" })).status).toBe(404);
    expect((await call(`/admin/tracks/${draftId}/takedown`, admin.access_token, "POST", { reason: "x" })).status).toBe(409);
    expect((await call(`/admin/tracks/${draftId}/restore`, admin.access_token, "POST")).status).toBe(409);
    for (const body of [{}, { title: "" }, { isrc: "nope" }, { language: "Russian" }, { genres: Array(11).fill("rock") }, { title: "x".repeat(501) }]) {
      expect((await call(`/admin/tracks/${draftId}`, admin.access_token, "PATCH", body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(`/admin/tracks/not-a-uuid`, admin.access_token, "PATCH", { title: "x" })).status).toBe(400);
    expect((await call(`/admin/tracks/${draftId}/takedown`, admin.access_token, "POST", {})).status).toBe(400);
  });

  it("is for admins and editors only: anonymous 401, listener and artist 403", async () => {
    const { published } = await seedTracks();
    const callers = await Promise.all([signUpWithRoles(["listener"]), signUpWithRoles(["listener", "artist"])]);
    const routes: Array<[string, string, unknown]> = [
      ["PATCH", `/admin/tracks/${published.trackId}`, { title: "Hijacked" }],
      ["POST", `/admin/tracks/${published.trackId}/takedown`, { reason: "x" }],
      ["POST", `/admin/tracks/${published.trackId}/restore`, undefined],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(path, null, method, body)).status).toBe(401);
      for (const caller of callers) expect((await call(path, caller.access_token, method, body)).status).toBe(403);
    }
    expect(await (await call(`/tracks/${published.trackId}`, null)).json()).toMatchObject({ title: "Трек published" });
  });
});
