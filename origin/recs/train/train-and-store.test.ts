import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { genresOf } from "../model/catalog.ts";
import { neighboursOf } from "../model/sparse.ts";
import { generateWorld, logOfPlays, type SyntheticWorld } from "../model/synthetic.ts";
import { DEFAULT_TRAIN, trainModels } from "../model/train.ts";
import { indexOfUuid, insertSyntheticCatalog, insertSyntheticInteractions, trackUuid } from "./synthetic-database.ts";
import { loadCatalog, loadInteractions } from "./load.ts";
import { readStoredModels } from "./through-database.ts";
import { trainAndStore, type TrainAndStoreResult } from "./train-and-store.ts";

// A small synthetic log with known taste clusters (genres), trained through recs.interactions.
describe.each(databaseKinds())("trainAndStore on %s", (kind) => {
  let database: TestDatabase;
  let world: SyntheticWorld;
  let result: TrainAndStoreResult;
  const takenDown = new Set<number>();

  beforeAll(async () => {
    world = generateWorld({ listeners: 300, tracks: 800, plays: 24_000, genres: 6, seed: 7, start: Date.UTC(2026, 5, 1), days: 60 });
    // Take down the five most played tracks: without the filter they would be everyone's neighbours.
    const plays = new Map<number, number>();
    for (const t of world.plays.track) plays.set(t, (plays.get(t) ?? 0) + 1);
    for (const [t] of [...plays.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5)) takenDown.add(t);
    database = await createTestDatabase(kind);
    await insertSyntheticCatalog(database.db, world, takenDown);
    await insertSyntheticInteractions(
      database.db,
      logOfPlays(world, () => true),
    );
    result = await trainAndStore(database.db);
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("never lists a track as its own neighbour, and lists taken-down tracks nowhere", async () => {
    const { db } = database;
    const rows = await db.selectFrom("recs.track_neighbors").select(["track_id", "neighbor_id"]).execute();
    expect(rows.length).toBeGreaterThan(700 * 10);
    expect(rows.filter((r) => r.track_id === r.neighbor_id)).toEqual([]);
    const down = [...takenDown].map(trackUuid);
    expect(rows.filter((r) => down.includes(r.neighbor_id) || down.includes(r.track_id))).toEqual([]);
    const popular = await db.selectFrom("recs.popular_tracks").select(["segment", "track_id"]).execute();
    expect(popular.filter((r) => down.includes(r.track_id))).toEqual([]);
    expect(new Set(popular.map((r) => r.segment))).toContain("all");
    expect(popular.some((r) => r.segment.startsWith("genre:"))).toBe(true);
    expect(popular.some((r) => r.segment.startsWith("language:"))).toBe(true);
  });

  it("finds neighbours in the track's own taste cluster far more often than chance", async () => {
    const { tracks } = await readStoredModels(database.db, world.catalog.n, result.models.tracks.k);
    const { catalog } = world;
    const shares = (a: number, b: number): boolean => [...genresOf(catalog, a)].some((g) => genresOf(catalog, b).includes(g));
    let same = 0;
    let total = 0;
    for (let t = 0; t < catalog.n; t++) {
      for (const { id } of neighboursOf(tracks, t).slice(0, 10)) {
        total++;
        if (shares(t, id)) same++;
      }
    }
    let chance = 0;
    for (let a = 0; a < catalog.n; a += 7) for (let b = 3; b < catalog.n; b += 11) chance += shares(a, b) ? 1 : 0;
    const chanceShare = chance / (Math.ceil(catalog.n / 7) * Math.ceil((catalog.n - 3) / 11));
    expect(total).toBeGreaterThan(5000);
    expect(same / total).toBeGreaterThan(0.8);
    expect(same / total).toBeGreaterThan(2 * chanceShare);
  });

  it("stores exactly what the in-memory training of the same log computes (replay equivalence)", async () => {
    const eligible = world.catalog.eligible.slice();
    for (const t of takenDown) eligible[t] = 0;
    const inMemory = trainModels(
      logOfPlays(world, () => true),
      world.plays.offsets.length - 1,
      { ...world.catalog, eligible },
      DEFAULT_TRAIN,
    );
    const stored = await readStoredModels(database.db, world.catalog.n, inMemory.tracks.k);
    expect(Array.from(stored.tracks.ids)).toEqual(Array.from(inMemory.tracks.ids));
    expect(Array.from(stored.tracks.scores)).toEqual(Array.from(inMemory.tracks.scores));
    const all = (p: typeof stored.popular) => Array.from(p.find((s) => s.segment === "all")?.items ?? []);
    expect(all(stored.popular)).toEqual(all(inMemory.popular));
  });

  it("reads the whole log whatever the page size", async () => {
    const { trackIndex } = await loadCatalog(database.db);
    const whole = await loadInteractions(database.db, trackIndex);
    const paged = await loadInteractions(database.db, trackIndex, { pageSize: 997 });
    expect(paged.log.length).toBe(logOfPlays(world, () => true).length);
    expect(Array.from(paged.log.item)).toEqual(Array.from(whole.log.item));
    expect(Array.from(paged.log.user)).toEqual(Array.from(whole.log.user));
    expect(Array.from(paged.log.time)).toEqual(Array.from(whole.log.time));
  });

  it("replaces the tables on a retrain (same rows, not twice as many) and records each run", async () => {
    const { db } = database;
    const before = await db.selectFrom("recs.track_neighbors").selectAll().orderBy("track_id").orderBy("rank").execute();
    const artistsBefore = await db
      .selectFrom("recs.artist_neighbors")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const again = await trainAndStore(db);
    const after = await db.selectFrom("recs.track_neighbors").selectAll().orderBy("track_id").orderBy("rank").execute();
    expect(after).toEqual(before);
    expect(Number(artistsBefore.n)).toBeGreaterThan(0);
    expect(Number(artistsBefore.n)).toBe(again.artistNeighbors);
    const runs = await db.selectFrom("recs.model_runs").selectAll().orderBy("id").execute();
    expect(runs).toHaveLength(2);
    expect(runs[1]).toMatchObject({ model: "item-knn:rp3beta+content", tracks: world.catalog.n - takenDown.size });
    expect(Number(runs[1]?.interactions)).toBe(again.interactions);
    // The artist lists never contain the artist itself either.
    const selfArtists = await db.selectFrom("recs.artist_neighbors").select("artist_id").whereRef("artist_id", "=", "neighbor_id").execute();
    expect(selfArtists).toEqual([]);
    expect(indexOfUuid(trackUuid(123))).toBe(123);
  });
});
