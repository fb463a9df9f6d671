import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { dropOldDailyPlays } from "./decay.ts";
import { applyPlaybackFinished, applyPlaybackStarted, maxCountedPlaysPerDay } from "./plays.ts";
import { insertTrack, trackStats } from "./testing.ts";

const day = 24 * 3600 * 1000;

/** A listened play (2 minutes of a 3-minute track) that started at `startedAt`. */
function started(trackId: string, startedAt: Date, overrides: { userId?: string; positionMs?: number; listenedMs?: number } = {}) {
  const listenedMs = overrides.listenedMs ?? 120_000;
  return buildEvent({
    type: "tunec.playback.playback-finished.v1",
    source: "/tunec/playback",
    data: {
      playId: crypto.randomUUID(),
      userId: overrides.userId ?? crypto.randomUUID(),
      trackId,
      quality: "standard",
      deviceId: "phone",
      premium: false,
      positionMs: overrides.positionMs ?? listenedMs,
      trackDurationMs: 180_000,
      completed: false,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date(startedAt.getTime() + listenedMs).toISOString(),
    },
  }).event;
}

describe.each(databaseKinds())("track-stats play counting on %s", (kind) => {
  let database: TestDatabase;
  const logger = createLogger({ service: "track-stats-test" }, "error");
  const apply = (event: ReturnType<typeof started>) => database.db.transaction().execute((trx) => applyPlaybackFinished(event, trx, { logger }));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("counts plays and decays popularity by a half-life of a week, whatever the delivery order", async () => {
    const now = Date.now();
    const inOrder = await insertTrack(database.db);
    const reversed = await insertTrack(database.db);
    const plays = [now - 14 * day, now - 7 * day, now];
    for (const at of plays) await apply(started(inOrder, new Date(at)));
    for (const at of [...plays].reverse()) await apply(started(reversed, new Date(at)));
    // 0.25 + 0.5 + 1 as of the latest play.
    for (const trackId of [inOrder, reversed]) {
      const stats = await trackStats(database.db, trackId);
      expect(stats?.plays).toBe(3);
      expect(stats?.popularity).toBeCloseTo(1.75, 6);
      expect(Math.abs((stats?.updatedAt.getTime() ?? 0) - now)).toBeLessThan(1000);
    }
  });

  it("weighs a play dated in the future (a client clock ahead) as a play now", async () => {
    const trackId = await insertTrack(database.db);
    await apply(started(trackId, new Date(Date.now() + 30 * day)));
    await apply(started(trackId, new Date()));
    const stats = await trackStats(database.db, trackId);
    expect(stats?.plays).toBe(2);
    expect(stats?.popularity).toBeCloseTo(2, 3);
    expect(stats?.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("lets ancient plays fade to nothing without a numeric underflow", async () => {
    const trackId = await insertTrack(database.db);
    await apply(started(trackId, new Date(Date.now() - 30 * 365 * day)));
    await apply(started(trackId, new Date()));
    await apply(started(trackId, new Date(Date.now() - 40 * 365 * day)));
    const stats = await trackStats(database.db, trackId);
    expect(stats?.plays).toBe(3);
    expect(stats?.popularity).toBeCloseTo(1, 6);
  });

  it("skips a play of a track the catalog does not have", async () => {
    const missing = crypto.randomUUID();
    await expect(apply(started(missing, new Date()))).resolves.toBeUndefined();
    expect(await trackStats(database.db, missing)).toBeUndefined();
  });

  it("counts a play only after real listening: 30 s reached, and 30 s between start and finish", async () => {
    const trackId = await insertTrack(database.db);
    const now = new Date(Date.now() - 10 * 60_000);
    await apply(started(trackId, now, { listenedMs: 5_000 }));
    await apply(started(trackId, now, { listenedMs: 29_000 }));
    // A position of 3 minutes reported one second after the start is not listening.
    await apply(started(trackId, now, { listenedMs: 1_000, positionMs: 180_000 }));
    expect(await trackStats(database.db, trackId)).toBeUndefined();
    await apply(started(trackId, now, { listenedMs: 30_000 }));
    expect((await trackStats(database.db, trackId))?.plays).toBe(1);
  });

  it("counts at most a few plays of a track per listener per day", async () => {
    const trackId = await insertTrack(database.db);
    const listener = crypto.randomUUID();
    const today = new Date(Date.now() - 60 * 60_000);
    for (let i = 0; i < 10; i++) await apply(started(trackId, today, { userId: listener }));
    expect((await trackStats(database.db, trackId))?.plays).toBe(maxCountedPlaysPerDay);
    // Another listener, or the same listener on another day, counts again.
    await apply(started(trackId, today));
    await apply(started(trackId, new Date(today.getTime() - 2 * day), { userId: listener }));
    expect((await trackStats(database.db, trackId))?.plays).toBe(maxCountedPlaysPerDay + 2);
  });

  it("drops daily caps older than a week", async () => {
    const trackId = await insertTrack(database.db);
    const listener = crypto.randomUUID();
    await apply(started(trackId, new Date(Date.now() - 9 * day), { userId: listener }));
    await apply(started(trackId, new Date(Date.now() - 60 * 60_000), { userId: listener }));
    await dropOldDailyPlays(database.db);
    const days = await database.db.selectFrom("catalog.track_daily_plays").select("plays").where("user_id", "=", listener).execute();
    expect(days).toHaveLength(1);
  });

  it("keeps the artist's daily figures: starts, listened plays, distinct listeners, finishes and completions", async () => {
    const trackId = await insertTrack(database.db);
    const at = new Date("2026-11-20T10:00:00Z");
    const [fan, passerby] = [crypto.randomUUID(), crypto.randomUUID()];
    const start = (userId: string) =>
      buildEvent({
        type: "tunec.playback.playback-started.v1",
        source: "/tunec/playback",
        data: {
          playId: crypto.randomUUID(),
          userId,
          trackId,
          quality: "standard",
          deviceId: "phone",
          premium: false,
          startPositionMs: 0,
          startedAt: at.toISOString(),
        },
      }).event;
    // Three starts of one track and day in one batch (summed before the upsert), then two more alone.
    await database.db.transaction().execute((trx) => applyPlaybackStarted([start(fan), start(fan), start(fan)], trx, { logger }));
    for (const userId of [fan, passerby]) await database.db.transaction().execute((trx) => applyPlaybackStarted([start(userId)], trx, { logger }));
    // The fan listens four times to the end (the fourth is over the daily cap), the passer-by skips after 10 s.
    for (let play = 0; play < 4; play++) {
      const event = started(trackId, at, { userId: fan, listenedMs: 180_000 });
      await apply({ ...event, data: { ...event.data, completed: true } });
    }
    await apply(started(trackId, at, { userId: passerby, listenedMs: 10_000 }));
    const row = await database.db
      .selectFrom("catalog.track_daily_stats")
      .select(["starts", "plays", "listeners", "finishes", "completed", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .where("track_id", "=", trackId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ day: "2026-11-20", starts: 5, plays: 3, listeners: 1, finishes: 5, completed: 4 });
  });
});
