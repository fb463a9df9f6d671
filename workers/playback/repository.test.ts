import { describe, expect, it } from "vitest";
import { findPlayableTrackCached } from "./repository.ts";
import { seedTracks, withDb } from "./testing.ts";

describe("findPlayableTrackCached", () => {
  it("serves a row up to 5 s old; then the stale row while one background read refreshes it, never one 10 s old", async () => {
    const { published } = await seedTracks();
    const id = published.trackId;
    await withDb(async (db) => {
      const start = Date.now();
      expect((await findPlayableTrackCached(db, id, { now: start }))?.status).toBe("published");
      await db.updateTable("catalog.tracks").set({ status: "taken_down" }).where("id", "=", id).execute();
      // Fresh: no read at all, so the takedown is not seen yet.
      const background: Promise<unknown>[] = [];
      const waitUntil = (promise: Promise<unknown>) => void background.push(promise);
      expect((await findPlayableTrackCached(db, id, { now: start + 4_000, waitUntil }))?.status).toBe("published");
      expect(background).toHaveLength(0);
      // Stale: answered at once from memory, refreshed behind the answer.
      expect((await findPlayableTrackCached(db, id, { now: Date.now() + 6_000, waitUntil }))?.status).toBe("published");
      expect(background).toHaveLength(1);
      await Promise.all(background);
      expect((await findPlayableTrackCached(db, id, { waitUntil }))?.status).toBe("taken_down");
      // Too old to serve even while refreshing: the caller waits for the database.
      await db.updateTable("catalog.tracks").set({ status: "published" }).where("id", "=", id).execute();
      expect((await findPlayableTrackCached(db, id, { now: Date.now() + 11_000, waitUntil }))?.status).toBe("published");
      expect(background).toHaveLength(1);
    });
  });
});
