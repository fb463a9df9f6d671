import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../../shared/testing/test-database.ts";
import { mutatePlaylist } from "./mutations.ts";
import { keysBetween } from "./ordering.ts";
import { moveEntry } from "./tracks.ts";

// The entry operations against both databases, below HTTP (the workerd suites cover the routes).
describe.each(databaseKinds())("playlist entry ordering on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function seedPlaylist(count: number): Promise<{ playlistId: string; ownerId: string; entries: string[] }> {
    const ownerId = crypto.randomUUID();
    const playlist = await database.db
      .insertInto("users.playlists")
      .values({ owner_id: ownerId, name: "order", track_count: count })
      .returning("id")
      .executeTakeFirstOrThrow();
    const keys = keysBetween(null, null, count);
    const rows = await database.db
      .insertInto("users.playlist_tracks")
      .values(keys.map((position) => ({ playlist_id: playlist.id, track_id: crypto.randomUUID(), position, added_by: ownerId })))
      .returning(["entry_id", "position"])
      .execute();
    return { playlistId: playlist.id, ownerId, entries: rows.sort((a, b) => (a.position < b.position ? -1 : 1)).map((row) => row.entry_id) };
  }

  async function order(playlistId: string): Promise<string[]> {
    const rows = await database.db.selectFrom("users.playlist_tracks").select("entry_id").where("playlist_id", "=", playlistId).orderBy("position").execute();
    return rows.map((row) => row.entry_id);
  }

  async function move(playlist: { playlistId: string; ownerId: string }, entryId: string, before: string | null): Promise<void> {
    const current = await database.db.selectFrom("users.playlists").select("version").where("id", "=", playlist.playlistId).executeTakeFirstOrThrow();
    await mutatePlaylist(
      database.db,
      { playlistId: playlist.playlistId, userId: playlist.ownerId, ifMatch: `"${current.version}"`, need: "edit" },
      (trx, locked) => moveEntry(trx, locked, entryId, before),
    );
  }

  it("moves one entry by rewriting only that row", async () => {
    const playlist = await seedPlaylist(50);
    const [first, second, , , fifth] = playlist.entries;
    if (!first || !second || !fifth) throw new Error("seed");
    const before = await database.db
      .selectFrom("users.playlist_tracks")
      .select(["entry_id", "position"])
      .where("playlist_id", "=", playlist.playlistId)
      .execute();
    await move(playlist, fifth, second);
    const after = await database.db
      .selectFrom("users.playlist_tracks")
      .select(["entry_id", "position"])
      .where("playlist_id", "=", playlist.playlistId)
      .execute();
    const changed = after.filter((row) => before.find((old) => old.entry_id === row.entry_id)?.position !== row.position);
    expect(changed.map((row) => row.entry_id)).toEqual([fifth]);
    expect((await order(playlist.playlistId)).slice(0, 3)).toEqual([first, fifth, second]);
  });

  it("renumbers when a key squeezed into a narrow gap would pass the limit, keeping the order", async () => {
    // Two neighbours that hundreds of moves into one gap would leave: 199 and 200 characters long.
    const narrow = `a0${"1".repeat(197)}`;
    const ownerId = crypto.randomUUID();
    const playlist = await database.db
      .insertInto("users.playlists")
      .values({ owner_id: ownerId, name: "narrow", track_count: 5 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const rows = await database.db
      .insertInto("users.playlist_tracks")
      .values(
        ["Zz", narrow, `${narrow}1`, "a1", "a2"].map((position) => ({ playlist_id: playlist.id, track_id: crypto.randomUUID(), position, added_by: ownerId })),
      )
      .returning(["entry_id", "position"])
      .execute();
    const [first, second, third, fourth, fifth] = rows.sort((a, b) => (a.position < b.position ? -1 : 1)).map((row) => row.entry_id);
    if (!first || !second || !third || !fourth || !fifth) throw new Error("seed");
    await move({ playlistId: playlist.id, ownerId }, fifth, third);
    expect(await order(playlist.id)).toEqual([first, second, fifth, third, fourth]);
    const keys = await database.db.selectFrom("users.playlist_tracks").select("position").where("playlist_id", "=", playlist.id).execute();
    expect(Math.max(...keys.map((key) => key.position.length))).toBeLessThanOrEqual(3);
  });

  // PGlite serves one connection at a time (writers cannot race there), so this one is for the real server.
  if (kind === "postgres") {
    it("a writer that passed the If-Match check but lost the race for the row lock gets 412", async () => {
      const playlist = await seedPlaylist(3);
      const [first, , third] = playlist.entries;
      if (!first || !third) throw new Error("seed");
      let releaseFirst = () => {};
      const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstLocked = () => {};
      const locked = new Promise<void>((resolve) => (firstLocked = resolve));
      const winner = mutatePlaylist(
        database.db,
        { playlistId: playlist.playlistId, userId: playlist.ownerId, ifMatch: '"1"', need: "edit" },
        async (trx, row) => {
          firstLocked();
          await firstHolds;
          await moveEntry(trx, row, third, first);
        },
      );
      await locked;
      // Reads version 1 (the winner has not committed), passes the check, then waits on the lock.
      const loser = mutatePlaylist(database.db, { playlistId: playlist.playlistId, userId: playlist.ownerId, ifMatch: '"1"', need: "edit" }, (trx, row) =>
        moveEntry(trx, row, first, null),
      );
      // Release the winner only once the loser is blocked on the playlist row, i.e. past the cheap version check.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = await sql<{
          n: number;
        }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(database.db);
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error("the second writer never waited on the row lock");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      releaseFirst();
      await expect(winner).resolves.toMatchObject({ playlist: { version: "2" } });
      await expect(loser).rejects.toMatchObject({ code: "PRECONDITION_FAILED", extensions: { headers: { etag: '"2"' } } });
      expect((await order(playlist.playlistId))[0]).toBe(third);
    });
  }
});
