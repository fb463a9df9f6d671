import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { decayStaleStats } from "./decay.ts";
import { insertTrack, trackStats } from "./testing.ts";

describe.each(databaseKinds())("track-stats decay sweep on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("brings stale scores to the present in batches, zeroes faded ones and leaves fresh ones", async () => {
    const week = await insertTrack(database.db);
    const twoWeeks = await insertTrack(database.db);
    const faded = await insertTrack(database.db);
    const fresh = await insertTrack(database.db);
    const at = (days: number) => sql<Date>`now() - make_interval(days => ${days})`;
    await database.db
      .insertInto("catalog.track_stats")
      .values([
        { track_id: week, plays: 4, popularity: 4, updated_at: at(7) },
        { track_id: twoWeeks, plays: 8, popularity: 8, updated_at: at(14) },
        { track_id: faded, plays: 1, popularity: 1, updated_at: at(365) },
        { track_id: fresh, plays: 3, popularity: 3 },
      ])
      .execute();
    expect(await decayStaleStats(database.db, { staleAfterSeconds: 3600, batchSize: 2, floor: 1e-3 })).toBe(3);
    expect((await trackStats(database.db, week))?.popularity).toBeCloseTo(2, 4);
    expect((await trackStats(database.db, twoWeeks))?.popularity).toBeCloseTo(2, 4);
    expect(await trackStats(database.db, faded)).toMatchObject({ plays: 1, popularity: 0 });
    expect((await trackStats(database.db, fresh))?.popularity).toBe(3);
    // Nothing is stale any more; the zeroed row is not revisited.
    expect(await decayStaleStats(database.db)).toBe(0);
  });
});
