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

  it("counts an album like for the album's published tracks and an artist like for the artist's most popular ones; the unlikes cancel them", async () => {
    const userId = crypto.randomUUID();
    const { db } = database;
    const artist = await db
      .insertInto("catalog.artists")
      .values({ name: "Кино", user_id: null, bio: null, image_key: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const album = await db
      .insertInto("catalog.albums")
      .values({ title: "Группа крови", artist_id: artist.id, release_date: null, cover_key: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    const track = (title: string, position: number | null, status: "published" | "draft", onAlbum: boolean) =>
      db
        .insertInto("catalog.tracks")
        .values({
          title,
          artist_id: artist.id,
          album_id: onAlbum ? album.id : null,
          position,
          duration_ms: 200_000,
          language: "ru",
          isrc: null,
          status,
          published_at: status === "published" ? new Date() : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
        .then((row) => row.id);
    const first = await track("Группа крови", 1, "published", true);
    const second = await track("Закрой за мной дверь", 2, "published", true);
    const draft = await track("Демо", 3, "draft", true);
    const single = await track("Кукушка", null, "published", false);
    // The artist's most popular track first; a draft is never a signal.
    await db.insertInto("catalog.track_stats").values({ track_id: single, plays: 100, popularity: 9 }).execute();
    const { log } = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    try {
      await publishEvent(log, "tunec.users", "tunec.users.album-liked.v1", { userId, albumId: album.id, likedAt: "2026-03-02T10:00:00Z" });
      const artistLike = await publishEvent(log, "tunec.users", "tunec.users.artist-liked.v1", {
        userId,
        artistId: artist.id,
        likedAt: "2026-03-02T10:01:00Z",
      });
      await waitFor(async () => (await rowsOf(userId)).some((row) => row.event_id === artistLike.id), "the artist like recorded");
      const named = (id: string) => (id === first ? "first" : id === second ? "second" : id === single ? "single" : id === draft ? "draft" : "other");
      const liked = await rowsOf(userId);
      expect(liked.map((row) => `${row.signal}:${named(row.track_id)}`).sort()).toEqual([
        "album_like:first",
        "album_like:second",
        "artist_like:first",
        "artist_like:second",
        "artist_like:single",
      ]);
      for (const row of liked) expect(row.weight).toBeCloseTo(SIGNAL_WEIGHTS[row.signal]);

      await publishEvent(log, "tunec.users", "tunec.users.album-unliked.v1", { userId, albumId: album.id, unlikedAt: "2026-03-02T11:00:00Z" });
      const artistUnlike = await publishEvent(log, "tunec.users", "tunec.users.artist-unliked.v1", {
        userId,
        artistId: artist.id,
        unlikedAt: "2026-03-02T11:01:00Z",
      });
      await waitFor(async () => (await rowsOf(userId)).some((row) => row.event_id === artistUnlike.id), "the artist unlike recorded");
      const sums = new Map<string, number>();
      for (const row of await rowsOf(userId)) sums.set(row.track_id, (sums.get(row.track_id) ?? 0) + row.weight);
      expect([...sums.keys()].map(named).sort()).toEqual(["first", "second", "single"]);
      for (const sum of sums.values()) expect(sum).toBeCloseTo(0);
    } finally {
      await log.close();
    }
  }, 60_000);
});
