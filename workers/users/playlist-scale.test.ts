import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { keysBetween } from "./domain/playlists/ordering.ts";
import { call, createPlaylist, expectJson, seedPublishedTracks, signUpUser, withDb, type EntryBody, type PlaylistBody, type User } from "./testing.ts";

const seededAt = "2000-01-01T00:00:00Z";

/** A playlist of `count` entries written by one insert … generate_series, every row stamped `seededAt`. */
async function seedFullPlaylist(owner: User, trackId: string, count: number): Promise<{ id: string; entries: string[] }> {
  const playlist = await createPlaylist(owner, { name: `${count} tracks` });
  const keys = keysBetween(null, null, count);
  return withDb(async (db) => {
    await db.transaction().execute(async (trx) => {
      await sql`
        insert into users.playlist_tracks (playlist_id, track_id, position, added_by, added_at, updated_at)
        select ${playlist.id}::uuid, ${trackId}::uuid, (${keys}::text[])[g.i], ${owner.userId}::uuid, ${seededAt}::timestamptz, ${seededAt}::timestamptz
        from generate_series(1, ${count}::int) as g(i)`.execute(trx);
      await trx.updateTable("users.playlists").set({ track_count: count }).where("id", "=", playlist.id).execute();
    });
    const rows = await db.selectFrom("users.playlist_tracks").select("entry_id").where("playlist_id", "=", playlist.id).orderBy("position").execute();
    return { id: playlist.id, entries: rows.map((row) => row.entry_id) };
  });
}

async function rowsTouchedSinceSeed(playlistId: string): Promise<string[]> {
  return withDb(async (db) => {
    const rows = await db
      .selectFrom("users.playlist_tracks")
      .select("entry_id")
      .where("playlist_id", "=", playlistId)
      .where("updated_at", ">", new Date(seededAt))
      .execute();
    return rows.map((row) => row.entry_id);
  });
}

async function read(user: User, id: string, query = ""): Promise<{ playlist: PlaylistBody; tracks: EntryBody[]; next_cursor: string | null }> {
  return expectJson(call("GET", `/playlists/${id}${query}`, { user }), 200);
}

describe("a 10,000-track playlist in workerd", () => {
  let owner: User;
  let trackId: string;
  let full: { id: string; entries: string[] };
  beforeAll(async () => {
    owner = await signUpUser();
    trackId = (await seedPublishedTracks(1))[0] ?? "";
    full = await seedFullPlaylist(owner, trackId, 10_000);
  });

  it("reorders by rewriting exactly one row", async () => {
    const last = full.entries[9_999] ?? "";
    const first = full.entries[0] ?? "";
    const { playlist } = await read(owner, full.id, "?limit=1");
    expect(playlist.track_count).toBe(10_000);
    await expectJson(call("PATCH", `/playlists/${full.id}/tracks/${last}`, { user: owner, ifMatch: playlist.version, body: { before_entry_id: first } }), 200);
    expect(await rowsTouchedSinceSeed(full.id)).toEqual([last]);
    const page = await read(owner, full.id, "?limit=2");
    expect(page.tracks.map((entry) => entry.entry_id)).toEqual([last, first]);
    // And into the middle: still one more row.
    const middle = full.entries[5_000] ?? "";
    await expectJson(
      call("PATCH", `/playlists/${full.id}/tracks/${first}`, { user: owner, ifMatch: page.playlist.version, body: { before_entry_id: middle } }),
      200,
    );
    expect((await rowsTouchedSinceSeed(full.id)).sort()).toEqual([last, first].sort());
  });

  it("lets exactly one of two concurrent edits with the same If-Match through; the other gets 412", async () => {
    for (let round = 0; round < 5; round++) {
      const { playlist } = await read(owner, full.id, "?limit=1");
      const [a, b] = [full.entries[100 + round] ?? "", full.entries[200 + round] ?? ""];
      const responses = await Promise.all([
        call("PATCH", `/playlists/${full.id}/tracks/${a}`, { user: owner, ifMatch: playlist.version, body: { before_entry_id: null } }),
        call("PATCH", `/playlists/${full.id}/tracks/${b}`, { user: owner, ifMatch: playlist.version, body: { before_entry_id: null } }),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
      expect((await read(owner, full.id, "?limit=1")).playlist.version).toBe(playlist.version + 1);
    }
  });

  it("refuses the 10,001st track with a clear problem and changes nothing", async () => {
    const { playlist } = await read(owner, full.id, "?limit=1");
    const response = await call("POST", `/playlists/${full.id}/tracks`, { user: owner, ifMatch: playlist.version, body: { track_ids: [trackId] } });
    expect(response.status).toBe(409);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(await response.json()).toMatchObject({
      type: "https://tunec.dev/problems/playlist-full",
      code: "PLAYLIST_FULL",
      detail: expect.stringContaining("at most 10,000 tracks"),
    });
    expect((await read(owner, full.id, "?limit=1")).playlist).toMatchObject({ track_count: 10_000, version: playlist.version });
  });

  it("holds the limit under concurrent adds: at 9,999 tracks two racing adds leave exactly 10,000", async () => {
    const almost = await seedFullPlaylist(owner, trackId, 9_999);
    const { playlist } = await read(owner, almost.id, "?limit=1");
    const add = (version: number) => call("POST", `/playlists/${almost.id}/tracks`, { user: owner, ifMatch: version, body: { track_ids: [trackId] } });
    const statuses = (await Promise.all([add(playlist.version), add(playlist.version)])).map((response) => response.status).sort();
    expect(statuses).toEqual([201, 412]);
    // The loser retries with the fresh ETag and is refused by the limit.
    const fresh = await read(owner, almost.id, "?limit=1");
    expect(fresh.playlist.track_count).toBe(10_000);
    expect((await add(fresh.playlist.version)).status).toBe(409);
    const count = await withDb((db) =>
      db
        .selectFrom("users.playlist_tracks")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("playlist_id", "=", almost.id)
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(10_000);
  });

  it("pages all 10,000 entries in order by cursor", async () => {
    let cursor: string | null = null;
    let seen = 0;
    let pages = 0;
    do {
      const page: { tracks: EntryBody[]; next_cursor: string | null } = await read(owner, full.id, `?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
      seen += page.tracks.length;
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 200);
    expect([seen, pages]).toEqual([10_000, 100]);
  }, 60_000); // a hundred sequential requests: seconds on a CI machine that shares its two cores
});
