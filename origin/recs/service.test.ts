import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { SIGNAL_WEIGHTS } from "../../shared/recs/signals.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { RunningService } from "../service.ts";
import { recsService } from "./service.ts";

const started = (userId: string, trackId: string, playId = crypto.randomUUID()) => ({
  playId,
  userId,
  trackId,
  quality: "standard" as const,
  deviceId: "phone-1",
  premium: false,
  startPositionMs: 0,
  startedAt: "2026-03-01T10:00:00Z",
});
const finished = (userId: string, trackId: string, positionMs: number, completed: boolean) => ({
  ...started(userId, trackId),
  positionMs,
  trackDurationMs: 200_000,
  completed,
  finishedAt: "2026-03-01T10:03:20Z",
});

// The service as `--service recs` runs it, on the embedded PostgreSQL event log.
describe.each(databaseKinds())("recs signals service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  const logger = createLogger({ service: "recs-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url }), DATABASE_URL: database.url };
    service = await recsService.start({ config, db: database.db, log: logger });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  const rowsOf = (userId: string) =>
    database.db
      .selectFrom("recs.interactions")
      .select(["event_id", "track_id", "signal", "weight"])
      .where("account_id", "=", userId)
      .orderBy("signal")
      .orderBy("track_id")
      .execute();

  it("maps plays, completions, early skips, likes, unlikes and playlist adds to weighted signals, once each under duplicates and reordering", async () => {
    const userId = crypto.randomUUID();
    const [a, b, c, d] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      // The unlike arrives before its like (reordered), and every event is delivered twice.
      const events = [
        await publishEvent(log, "tunec.users", "tunec.users.track-unliked.v1", { userId, trackId: a, unlikedAt: "2026-03-01T10:10:00Z" }),
        await publishEvent(log, "tunec.users", "tunec.users.track-liked.v1", { userId, trackId: a, likedAt: "2026-03-01T10:05:00Z" }),
        await publishEvent(log, "tunec.playback", "tunec.playback.playback-started.v1", started(userId, a)),
        await publishEvent(log, "tunec.playback", "tunec.playback.playback-finished.v1", finished(userId, a, 200_000, true)),
        await publishEvent(log, "tunec.playback", "tunec.playback.playback-finished.v1", finished(userId, b, 5_000, false)),
        // Stopped at 90 s without completing: neither a completion nor an early skip.
        await publishEvent(log, "tunec.playback", "tunec.playback.playback-finished.v1", finished(userId, c, 90_000, false)),
        await publishEvent(log, "tunec.users", "tunec.users.playlist-track-added.v1", {
          userId,
          playlistId: crypto.randomUUID(),
          entryIds: [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()],
          trackIds: [c, d, c],
          addedAt: "2026-03-01T10:20:00Z",
        }),
      ];
      for (const event of events) {
        await log.publish([{ topic: event.type.startsWith("tunec.users") ? "tunec.users" : "tunec.playback", key: userId, value: JSON.stringify(event) }]);
      }
      const marker = await publishEvent(log, "tunec.users", "tunec.users.track-liked.v1", { userId, trackId: d, likedAt: "2026-03-01T10:30:00Z" });
      await waitFor(async () => (await rowsOf(userId)).some((row) => row.event_id === marker.id), "the last event recorded");
      await waitFor(
        async () => (await database.db.selectFrom("recs.interactions").select("event_id").where("account_id", "=", userId).execute()).length >= 8,
        "every signal recorded",
      );
      const rows = await rowsOf(userId);
      const summary = rows.map((row) => `${row.signal}:${row.track_id === a ? "a" : row.track_id === b ? "b" : row.track_id === c ? "c" : "d"}`).sort();
      expect(summary).toEqual(["complete:a", "like:a", "like:d", "play:a", "playlist_add:c", "playlist_add:d", "skip:b", "unlike:a"]);
      for (const row of rows) expect(row.weight).toBeCloseTo(SIGNAL_WEIGHTS[row.signal]);
      // Like and unlike of a cancel out whichever arrived first.
      const likeSum = rows.filter((row) => row.track_id === a && (row.signal === "like" || row.signal === "unlike")).reduce((sum, row) => sum + row.weight, 0);
      expect(likeSum).toBe(0);
    } finally {
      await log.close();
    }
  }, 60_000);
});
