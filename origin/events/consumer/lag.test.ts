import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { recordLag } from "./lag.ts";

describe.each(databaseKinds())("recordLag on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database.drop());

  it("keeps the newest measurement per group, topic and partition", async () => {
    const lag = (committed: number, end: number) => ({
      group: "g",
      total: end - committed,
      partitions: [{ topic: "t", partition: 0, committed: String(committed), end: String(end), lag: end - committed }],
    });
    const t0 = new Date("2026-01-01T00:00:00Z");
    const t1 = new Date("2026-01-01T00:00:30Z");
    await recordLag(database.db, lag(3, 10), t1);
    // A slower member's older measurement arrives later: it must not win.
    await recordLag(database.db, lag(1, 10), t0);
    await recordLag(database.db, { group: "g", total: 0, partitions: [] }, new Date());
    const rows = await database.db.selectFrom("events.consumer_lag").selectAll().execute();
    expect(rows).toEqual([{ group_id: "g", topic: "t", partition: 0, committed_offset: "3", end_offset: "10", lag: "7", measured_at: t1 }]);
    await recordLag(database.db, lag(10, 12), new Date("2026-01-01T00:01:00Z"));
    expect(await database.db.selectFrom("events.consumer_lag").select(["committed_offset", "lag"]).execute()).toEqual([{ committed_offset: "10", lag: "2" }]);
  });
});
