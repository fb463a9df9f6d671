import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { recordSignals } from "../consumer/signals.ts";
import { genresOf } from "../model/catalog.ts";
import { generateWorld, logOfPlays, type SyntheticWorld } from "../model/synthetic.ts";
import { artistUuid, insertSyntheticCatalog, insertSyntheticInteractions, trackUuid } from "./synthetic-database.ts";
import { refreshNeighbours } from "./refresh.ts";
import { trainAndStore } from "./train-and-store.ts";

// After a training, new plays linking two unrelated rare tracks make them neighbours after one refresh, no retrain.
describe.each(databaseKinds())("refreshNeighbours on %s", (kind) => {
  let database: TestDatabase;
  let world: SyntheticWorld;
  let a = -1;
  let b = -1;
  const lists = async (t: number) =>
    database.db.selectFrom("recs.track_neighbors").select(["rank", "neighbor_id", "score"]).where("track_id", "=", trackUuid(t)).orderBy("rank").execute();

  beforeAll(async () => {
    world = generateWorld({ listeners: 150, tracks: 500, plays: 9_000, genres: 6, seed: 5, start: Date.UTC(2026, 5, 1), days: 60 });
    database = await createTestDatabase(kind);
    const { db } = database;
    await insertSyntheticCatalog(db, world);
    await insertSyntheticInteractions(
      db,
      logOfPlays(world, () => true),
    );
    // Written "yesterday": only what comes after the training is new to the refresh.
    await sql`update catalog.tracks set published_at = now() - interval '1 day'`.execute(db);
    await sql`update recs.interactions set recorded_at = now() - interval '1 day'`.execute(db);
    await trainAndStore(db);
    // Two rarely played tracks of different artists sharing no genre: nothing links them yet.
    const plays = new Map<number, number>();
    for (const t of world.plays.track) plays.set(t, (plays.get(t) ?? 0) + 1);
    const rare = [...plays.entries()].filter(([, n]) => n >= 2 && n <= 4).map(([t]) => t);
    const { catalog } = world;
    a = rare[0] ?? -1;
    b = rare.find((t) => catalog.artist[t] !== catalog.artist[a] && !genresOf(catalog, t).some((g) => genresOf(catalog, a).includes(g))) ?? -1;
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("does nothing when nothing is new", async () => {
    const result = await refreshNeighbours(database.db);
    expect(result).toMatchObject({ touchedTracks: 0, newTracks: 0, refreshedTracks: 0, rowsWritten: 0 });
  });

  it("makes two tracks played together neighbours, recomputes only the touched lists, as a retrain would", async () => {
    const { db } = database;
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b).toBeGreaterThanOrEqual(0);
    expect((await lists(a)).map((r) => r.neighbor_id)).not.toContain(trackUuid(b));
    const untouched = (a + 1) % world.catalog.n === b ? a + 2 : a + 1;
    const untouchedBefore = await lists(untouched);
    const at = new Date(Date.UTC(2026, 7, 1)).toISOString();
    await db.transaction().execute(async (trx) => {
      for (let n = 0; n < 6; n++) {
        const accountId = `00000009-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
        await recordSignals(
          trx,
          [a, b].flatMap((t, k) =>
            (["play", "complete", "like"] as const).map((signal, s) => ({
              eventId: `0000000a-0000-4000-8000-${(n * 100 + k * 10 + s).toString(16).padStart(12, "0")}`,
              accountId,
              trackId: trackUuid(t),
              signal,
              occurredAt: at,
            })),
          ),
        );
      }
    });
    const result = await refreshNeighbours(db);
    expect(result.touchedTracks).toBe(2);
    expect(result.refreshedTracks).toBe(2);
    const refreshedA = await lists(a);
    const refreshedB = await lists(b);
    expect(refreshedA.map((r) => r.neighbor_id)).toContain(trackUuid(b));
    expect(refreshedB.map((r) => r.neighbor_id)).toContain(trackUuid(a));
    expect(await lists(untouched)).toEqual(untouchedBefore);
    // A full retrain now stores the same lists for the touched tracks: the refresh used the training's formula.
    await trainAndStore(db);
    expect(await lists(a)).toEqual(refreshedA);
    expect(await lists(b)).toEqual(refreshedB);
  }, 120_000);

  it("gives a track published after the training content neighbours", async () => {
    const { db } = database;
    const { catalog } = world;
    const id = crypto.randomUUID();
    await db
      .insertInto("catalog.tracks")
      .values({
        id,
        title: "New single",
        artist_id: artistUuid(catalog.artist[a] ?? 0),
        duration_ms: 200_000,
        genres: Array.from(genresOf(catalog, a), (g) => catalog.genreNames[g] ?? ""),
        language: catalog.languageNames[catalog.language[a] ?? -1] ?? null,
        status: "published",
        published_at: new Date(),
      })
      .execute();
    const result = await refreshNeighbours(db);
    expect(result.newTracks).toBe(1);
    const rows = await db.selectFrom("recs.track_neighbors").select(["neighbor_id"]).where("track_id", "=", id).execute();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.map((r) => r.neighbor_id)).not.toContain(id);
    const refreshes = await db.selectFrom("recs.neighbor_refreshes").selectAll().orderBy("id").execute();
    expect(refreshes).toHaveLength(3);
  }, 120_000);
});
