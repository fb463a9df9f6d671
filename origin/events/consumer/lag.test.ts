import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPostgresDatabase } from "../../../shared/db/postgres.ts";
import { createLogger } from "../../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { recordLag, reportLag } from "./lag.ts";

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

  it("stores several groups in one statement, a partition measured twice (two members of a group) once", async () => {
    const at = new Date("2026-01-01T00:02:00Z");
    const partition = (topic: string, lag: number) => ({ topic, partition: 0, committed: "0", end: String(lag), lag });
    await recordLag(
      database.db,
      [
        { group: "g", total: 4, partitions: [partition("t", 4)] },
        { group: "g", total: 5, partitions: [partition("t", 5)] },
        { group: "h", total: 1, partitions: [partition("t", 1), partition("u", 0)] },
      ],
      at,
    );
    const rows = await database.db
      .selectFrom("events.consumer_lag")
      .select(["group_id", "topic", "lag"])
      .where("measured_at", "=", at)
      .orderBy("group_id")
      .orderBy("topic")
      .execute();
    expect(rows).toEqual([
      { group_id: "g", topic: "t", lag: "5" },
      { group_id: "h", topic: "t", lag: "1" },
      { group_id: "h", topic: "u", lag: "0" },
    ]);
  });

  it("measures the consumers of one database (each service with its own pool) on one timer and stores them with one insert", async () => {
    const logger = createLogger({ test: "lag" }, "error");
    const reads = { a: 0, b: 0 };
    const measured = (group: "a" | "b", lag: number) => async () => {
      reads[group]++;
      return { group, total: lag, partitions: [{ topic: "v", partition: 0, committed: "0", end: String(lag), lag }] };
    };
    // A second service's pool on the same database.
    const otherPool = createPostgresDatabase(database.url, { maxConnections: 1 });
    const inserts = [vi.spyOn(database.db, "insertInto"), vi.spyOn(otherPool, "insertInto")];
    const insertCalls = () => inserts.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    const stops = [reportLag(measured("a", 1), logger, 40, database.db), reportLag(measured("b", 2), logger, 40, otherPool)];
    try {
      await vi.waitFor(
        async () => {
          const rows = await database.db.selectFrom("events.consumer_lag").select(["group_id", "lag"]).where("topic", "=", "v").orderBy("group_id").execute();
          expect(rows).toEqual([
            { group_id: "a", lag: "1" },
            { group_id: "b", lag: "2" },
          ]);
        },
        { timeout: 5_000 },
      );
      // One insert per tick for both consumers (a timer each would make about two per tick).
      const ticks = insertCalls();
      expect(ticks).toBeGreaterThan(0);
      expect(ticks).toBeLessThanOrEqual(Math.min(reads.a, reads.b));
      for (const stop of stops) stop();
      await new Promise((resolve) => setTimeout(resolve, 150));
      // Stopped: no timer left behind.
      expect(insertCalls()).toBeLessThanOrEqual(ticks + 1);
    } finally {
      for (const stop of stops) stop();
      for (const spy of inserts) spy.mockRestore();
      await otherPool.destroy();
    }
  });
});
