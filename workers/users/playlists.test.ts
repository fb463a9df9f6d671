import { beforeAll, describe, expect, it } from "vitest";
import {
  addTracks,
  call,
  createPlaylist,
  expectJson,
  seedPublishedTracks,
  signUpUser,
  withDb,
  type EntryBody,
  type PlaylistBody,
  type User,
} from "./testing.ts";

interface PlaylistPage {
  playlist: PlaylistBody;
  tracks: EntryBody[];
  next_cursor: string | null;
}

async function trackOrder(user: User, id: string): Promise<string[]> {
  const page = await expectJson<PlaylistPage>(call("GET", `/playlists/${id}?limit=100`, { user }), 200);
  return page.tracks.map((entry) => entry.track_id);
}

describe("playlists in workerd", () => {
  let owner: User;
  let tracks: string[];
  beforeAll(async () => {
    owner = await signUpUser();
    tracks = await seedPublishedTracks(6);
  });

  it("creates a private playlist with an ETag, then renames, describes and publishes it under If-Match", async () => {
    const response = await call("POST", "/playlists", { user: owner, body: { name: "  Дача  ", description: "летом" } });
    const created = await expectJson<PlaylistBody>(response, 201);
    expect(created).toMatchObject({
      name: "Дача",
      description: "летом",
      visibility: "private",
      collaborative: false,
      track_count: 0,
      version: 1,
      role: "owner",
    });
    expect(response.headers.get("etag")).toBe('"1"');
    expect(response.headers.get("location")).toBe(`/playlists/${created.id}`);
    const patched = await call("PATCH", `/playlists/${created.id}`, {
      user: owner,
      ifMatch: 1,
      body: { name: "Дача 2026", description: null, visibility: "public" },
    });
    expect(await expectJson<PlaylistBody>(patched, 200)).toMatchObject({ name: "Дача 2026", description: null, visibility: "public", version: 2 });
    expect(patched.headers.get("etag")).toBe('"2"');
    const read = await call("GET", `/playlists/${created.id}`, { user: owner });
    expect(read.headers.get("etag")).toBe('"2"');
  });

  it("requires If-Match on every change (428) and refuses a stale one (412) with the current ETag", async () => {
    const playlist = await createPlaylist(owner);
    const missing = await call("PATCH", `/playlists/${playlist.id}`, { user: owner, body: { name: "x" } });
    expect(missing.status).toBe(428);
    expect(await missing.json()).toMatchObject({ code: "PRECONDITION_REQUIRED", status: 428 });
    expect((await call("PATCH", `/playlists/${playlist.id}`, { user: owner, ifMatch: "*", body: { name: "x" } })).status).toBe(428);
    await expectJson(call("PATCH", `/playlists/${playlist.id}`, { user: owner, ifMatch: 1, body: { name: "v2" } }), 200);
    const stale = await call("PATCH", `/playlists/${playlist.id}`, { user: owner, ifMatch: 1, body: { name: "lost update" } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"2"');
    expect(await stale.json()).toMatchObject({ code: "PRECONDITION_FAILED" });
    expect((await call("PATCH", `/playlists/${playlist.id}`, { user: owner, ifMatch: 'W/"2"', body: { name: "weak" } })).status).toBe(412);
    for (const [method, path] of [
      ["POST", `/playlists/${playlist.id}/tracks`],
      ["DELETE", `/playlists/${playlist.id}`],
      ["PUT", `/playlists/${playlist.id}/editors/${crypto.randomUUID()}`],
    ] as const) {
      const body = method === "POST" ? { track_ids: [tracks[0]] } : undefined;
      expect((await call(method, path, { user: owner, body })).status).toBe(428);
    }
    expect((await trackOrder(owner, playlist.id)).length).toBe(0);
  });

  it("adds tracks at the end or before an entry, moves and removes entries, and pages tracks in order", async () => {
    let playlist = await createPlaylist(owner);
    const [t0, t1, t2, t3, t4, t5] = tracks;
    if (!t0 || !t1 || !t2 || !t3 || !t4 || !t5) throw new Error("seed");
    const first = await addTracks(owner, playlist, [t0, t1, t2]);
    expect(first.playlist).toMatchObject({ track_count: 3, version: 2 });
    expect(first.entries.map((entry) => entry.track_id)).toEqual([t0, t1, t2]);
    const [e0, e1, e2] = first.entries;
    if (!e0 || !e1 || !e2) throw new Error("entries");
    playlist = first.playlist;
    // Before e1; and the same track twice is allowed (entries, not tracks, are the unit).
    const second = await expectJson<{ playlist: PlaylistBody; entries: EntryBody[] }>(
      call("POST", `/playlists/${playlist.id}/tracks`, { user: owner, ifMatch: playlist.version, body: { track_ids: [t3, t0], before_entry_id: e1.entry_id } }),
      201,
    );
    playlist = second.playlist;
    expect(await trackOrder(owner, playlist.id)).toEqual([t0, t3, t0, t1, t2]);
    // Move e2 to the front, then e0 to the end.
    playlist = await expectJson<PlaylistBody>(
      call("PATCH", `/playlists/${playlist.id}/tracks/${e2.entry_id}`, { user: owner, ifMatch: playlist.version, body: { before_entry_id: e0.entry_id } }),
      200,
    );
    playlist = await expectJson<PlaylistBody>(
      call("PATCH", `/playlists/${playlist.id}/tracks/${e0.entry_id}`, { user: owner, ifMatch: playlist.version, body: { before_entry_id: null } }),
      200,
    );
    expect(await trackOrder(owner, playlist.id)).toEqual([t2, t3, t0, t1, t0]);
    playlist = await expectJson<PlaylistBody>(
      call("DELETE", `/playlists/${playlist.id}/tracks/${e1.entry_id}`, { user: owner, ifMatch: playlist.version }),
      200,
    );
    expect(playlist.track_count).toBe(4);
    expect(await trackOrder(owner, playlist.id)).toEqual([t2, t3, t0, t0]);
    // Cursor pages of 3: every entry once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PlaylistPage = await expectJson<PlaylistPage>(
        call("GET", `/playlists/${playlist.id}?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { user: owner }),
        200,
      );
      seen.push(...page.tracks.map((entry) => entry.entry_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(4);
  });

  it("shows each entry's title and main artist, and keeps an entry whose track was taken down (track: null)", async () => {
    const [kept, takenDown] = await seedPublishedTracks(2);
    if (!kept || !takenDown) throw new Error("seed");
    const playlist = await createPlaylist(owner);
    await addTracks(owner, playlist, [kept, takenDown]);
    await withDb((db) => db.updateTable("catalog.tracks").set({ status: "taken_down" }).where("id", "=", takenDown).execute());
    const page = await expectJson<{ tracks: Array<EntryBody & { track: unknown }> }>(call("GET", `/playlists/${playlist.id}`, { user: owner }), 200);
    expect(page.tracks.map((entry) => [entry.track_id, entry.track])).toEqual([
      [kept, { title: "Track 1", duration_ms: 180_000, artist: { id: expect.any(String), name: expect.stringMatching(/^Users test /) } }],
      [takenDown, null],
    ]);
  });

  it("refuses unknown tracks and entries with clear problems", async () => {
    const playlist = await createPlaylist(owner);
    const unknown = await call("POST", `/playlists/${playlist.id}/tracks`, { user: owner, ifMatch: 1, body: { track_ids: [tracks[0], crypto.randomUUID()] } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "body.track_ids.1" }] });
    expect(
      (await call("PATCH", `/playlists/${playlist.id}/tracks/${crypto.randomUUID()}`, { user: owner, ifMatch: 1, body: { before_entry_id: null } })).status,
    ).toBe(404);
    expect((await call("POST", `/playlists/${playlist.id}/tracks`, { user: owner, ifMatch: 1, body: { track_ids: [] } })).status).toBe(400);
    // Nothing was half-written: the version did not move.
    expect((await expectJson<PlaylistPage>(call("GET", `/playlists/${playlist.id}`, { user: owner }), 200)).playlist.version).toBe(1);
  });

  it("lists the caller's own, editable and followed playlists with their role", async () => {
    const [friend, fan] = await Promise.all([signUpUser(), signUpUser()]);
    const own = await createPlaylist(fan, { name: "fan's own" });
    const shared = await createPlaylist(friend, { name: "shared with fan" });
    await expectJson(call("PUT", `/playlists/${shared.id}/editors/${fan.userId}`, { user: friend, ifMatch: 1 }), 200);
    const followed = await createPlaylist(friend, { name: "followed by fan", visibility: "public" });
    expect((await call("PUT", `/playlists/${followed.id}/follow`, { user: fan })).status).toBe(204);
    expect((await call("PUT", `/playlists/${followed.id}/follow`, { user: fan })).status).toBe(204);
    const list = await expectJson<{ playlists: PlaylistBody[]; next_cursor: string | null }>(call("GET", "/playlists", { user: fan }), 200);
    expect(list.playlists.map((p) => [p.name, p.role])).toEqual([
      ["followed by fan", "follower"],
      ["shared with fan", "editor"],
      ["fan's own", "owner"],
    ]);
    expect(list.playlists[1]).toMatchObject({ collaborative: true, editors: [fan.userId] });
    const unknownUser = await call("PUT", `/playlists/${own.id}/editors/${crypto.randomUUID()}`, { user: fan, ifMatch: 1 });
    expect(unknownUser.status).toBe(404);
    expect(await unknownUser.json()).toMatchObject({ detail: expect.stringContaining("No user") });
    expect((await call("PUT", `/playlists/${own.id}/editors/${fan.userId}`, { user: fan, ifMatch: 1 })).status).toBe(400);
    expect(list.playlists[0]?.follower_count).toBe(1);
    const editable = await expectJson<{ playlists: PlaylistBody[] }>(call("GET", "/playlists?role=editor", { user: fan }), 200);
    expect(editable.playlists.map((p) => p.id)).toEqual([shared.id]);
    const firstPage = await expectJson<{ playlists: PlaylistBody[]; next_cursor: string }>(call("GET", "/playlists?limit=2", { user: fan }), 200);
    const secondPage = await expectJson<{ playlists: PlaylistBody[]; next_cursor: string | null }>(
      call("GET", `/playlists?limit=2&cursor=${firstPage.next_cursor}`, { user: fan }),
      200,
    );
    expect(secondPage).toMatchObject({ playlists: [{ id: own.id }], next_cursor: null });
    // A followed playlist made private drops out of the follower's list.
    const current = await expectJson<PlaylistPage>(call("GET", `/playlists/${followed.id}`, { user: friend }), 200);
    await expectJson(call("PATCH", `/playlists/${followed.id}`, { user: friend, ifMatch: current.playlist.version, body: { visibility: "private" } }), 200);
    const after = await expectJson<{ playlists: PlaylistBody[] }>(call("GET", "/playlists?role=follower", { user: fan }), 200);
    expect(after.playlists).toEqual([]);
    expect((await call("DELETE", `/playlists/${followed.id}/follow`, { user: fan })).status).toBe(204);
  });

  it("deletes a playlist (owner, If-Match); it is gone afterwards", async () => {
    const playlist = await createPlaylist(owner);
    await addTracks(owner, playlist, [tracks[0] ?? ""]);
    expect((await call("DELETE", `/playlists/${playlist.id}`, { user: owner, ifMatch: 1 })).status).toBe(412);
    expect((await call("DELETE", `/playlists/${playlist.id}`, { user: owner, ifMatch: 2 })).status).toBe(204);
    expect((await call("GET", `/playlists/${playlist.id}`, { user: owner })).status).toBe(404);
  });
});
