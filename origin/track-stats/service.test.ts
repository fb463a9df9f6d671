import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, nodeConfigSchema } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { trackStatsService } from "./service.ts";
import { insertTrack, trackStats } from "./testing.ts";

// The service as `--service track-stats` runs it, on the embedded PostgreSQL event log.
describe.each(databaseKinds())("track-stats service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  const logger = createLogger({ service: "track-stats-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    service = await trackStatsService.start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it("counts each listened play (PlaybackFinished) once, even when it is delivered twice, and no PlaybackStarted", async () => {
    const trackId = await insertTrack(database.db);
    const userId = crypto.randomUUID();
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      const play = { userId, trackId, quality: "standard" as const, deviceId: "phone", premium: false };
      const finished = (startedAt: Date) => ({
        ...play,
        playId: crypto.randomUUID(),
        positionMs: 120_000,
        trackDurationMs: 180_000,
        completed: false,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date(startedAt.getTime() + 120_000).toISOString(),
      });
      const startedAt = new Date(Date.now() - 10 * 60_000);
      const first = await publishEvent(log, "tunec.playback", "tunec.playback.playback-finished.v1", finished(startedAt));
      await waitFor(async () => (await trackStats(database.db, trackId))?.plays === 1, "the first play to be counted");
      // The same event again (at-least-once delivery), a start, then a second listened play: per-key
      // (user) order means the duplicate and the start were handled once the second play shows.
      await log.publish([{ topic: "tunec.playback", key: userId, value: JSON.stringify(first) }]);
      await publishEvent(log, "tunec.playback", "tunec.playback.playback-started.v1", {
        ...play,
        startPositionMs: 0,
        playId: crypto.randomUUID(),
        startedAt: startedAt.toISOString(),
      });
      const second = await publishEvent(log, "tunec.playback", "tunec.playback.playback-finished.v1", finished(startedAt));
      await waitFor(async () => {
        const handled = await database.db
          .selectFrom("events.inbox")
          .select("event_id")
          .where("consumer", "=", "track-stats")
          .where("event_id", "=", second.id)
          .executeTakeFirst();
        return handled !== undefined;
      }, "the second play to be handled");
      const stats = await trackStats(database.db, trackId);
      expect(stats?.plays).toBe(2);
      expect(stats?.popularity).toBeGreaterThan(1.99);
      expect(stats?.popularity).toBeLessThanOrEqual(2);
    } finally {
      await log.close();
    }
  });
});
