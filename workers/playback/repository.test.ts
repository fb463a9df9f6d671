import { describe, expect, it } from "vitest";
import { findPlayableTrackCached } from "./repository.ts";
import { env } from "cloudflare:test";
import { createEdgeDatabase } from "../platform/edge-database.ts";
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

  it("refreshes a stale row on a handle of its own, which it closes, so the request's handle may close first", async () => {
    const { published } = await seedTracks();
    const id = published.trackId;
    await withDb(async (db) => {
      expect((await findPlayableTrackCached(db, id))?.status).toBe("published");
      await db.updateTable("catalog.tracks").set({ status: "taken_down" }).where("id", "=", id).execute();
      const background: Promise<unknown>[] = [];
      const waitUntil = (promise: Promise<unknown>) => void background.push(promise);
      const detached: ReturnType<typeof createEdgeDatabase>[] = [];
      const detachedDb = () => {
        const handle = createEdgeDatabase(env.HYPERDRIVE.connectionString);
        detached.push(handle);
        return handle;
      };
      // The request's handle is closed as soon as its answer is out, before the refresh ran.
      const request = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      expect((await findPlayableTrackCached(request, id, { now: Date.now() + 6_000, waitUntil, detachedDb }))?.status).toBe("published");
      await request.destroy();
      await Promise.all(background);
      expect(detached).toHaveLength(1);
      // The refresh landed: the row is fresh again and shows the takedown without a read.
      expect((await findPlayableTrackCached(request, id))?.status).toBe("taken_down");
      // And its handle was closed when it was done.
      await expect(detached[0]?.selectFrom("catalog.tracks").select("id").execute()).rejects.toThrow(/destroyed/);
    });
  });
});
