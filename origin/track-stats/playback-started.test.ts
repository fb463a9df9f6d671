import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildEvent } from "../../shared/events/build.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { applyPlaybackStarted } from "./playback-started.ts";
import { insertTrack, trackStats } from "./testing.ts";

const day = 24 * 3600 * 1000;

function started(trackId: string, startedAt: Date) {
  return buildEvent({
    type: "tunec.playback.playback-started.v1",
    source: "/tunec/playback",
    data: {
      playId: crypto.randomUUID(),
      userId: crypto.randomUUID(),
      trackId,
      quality: "standard",
      deviceId: "phone",
      premium: false,
      startPositionMs: 0,
      startedAt: startedAt.toISOString(),
    },
  }).event;
}

describe.each(databaseKinds())("track-stats PlaybackStarted handler on %s", (kind) => {
  let database: TestDatabase;
  const logger = createLogger({ service: "track-stats-test" }, "error");
  const apply = (event: ReturnType<typeof started>) =>
    database.db.transaction().execute((trx) => applyPlaybackStarted(event, trx, { logger }));

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
});
