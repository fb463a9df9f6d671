import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { listHistory } from "../../workers/users/domain/history.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { usersHistoryService } from "./service.ts";

function play(userId: string, startedAt: string) {
  return {
    playId: crypto.randomUUID(),
    userId,
    trackId: crypto.randomUUID(),
    quality: "standard" as const,
    deviceId: "phone-1",
    premium: false,
    startPositionMs: 0,
    startedAt,
  };
}

// The service as `--service users-history` runs it, on the embedded PostgreSQL event log.
describe.each(databaseKinds())("users-history service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  const logger = createLogger({ service: "users-history-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    service = await usersHistoryService.start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  it("records each PlaybackStarted once in the listener's history, newest first, even when delivered twice", async () => {
    const userId = crypto.randomUUID();
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      const first = await publishEvent(log, "tunec.playback", "tunec.playback.playback-started.v1", play(userId, "2026-03-01T10:00:00.123456Z"));
      // At-least-once delivery: the same event again; then the same play under a new event id
      // (a producer retry), then a later play. Per-key order: once the last shows, the repeats were handled.
      await log.publish([{ topic: "tunec.playback", key: userId, value: JSON.stringify(first) }]);
      await publishEvent(log, "tunec.playback", "tunec.playback.playback-started.v1", first.data);
      const second = await publishEvent(log, "tunec.playback", "tunec.playback.playback-started.v1", play(userId, "2026-03-01T10:05:00Z"));
      await waitFor(async () => (await listHistory(database.db, userId, 10)).length === 2, "both plays in the history");
      await waitFor(
        async () => (await database.db.selectFrom("events.inbox").select("event_id").where("consumer", "=", "users-history").execute()).length >= 3,
        "all distinct events handled",
      );
      const history = await listHistory(database.db, userId, 10);
      expect(history.map((row) => row.play_id)).toEqual([second.data.playId, first.data.playId]);
      expect(history[1]).toMatchObject({ track_id: first.data.trackId, quality: "standard", started_at: "2026-03-01T10:00:00.123456Z" });
      // Keyset pages: the second page starts after the first page's last play.
      const [newest] = await listHistory(database.db, userId, 1);
      if (!newest) throw new Error("no history");
      expect((await listHistory(database.db, userId, 5, { at: newest.started_at, id: newest.play_id })).map((row) => row.play_id)).toEqual([first.data.playId]);
    } finally {
      await log.close();
    }
  });
});
