import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { Redis } from "ioredis";
import type { Cache } from "../../shared/cache/cache.ts";
import { fenceKey } from "../../shared/cache/tags.ts";
import { changeTags } from "../../workers/search/cache-tags.ts";
import { changedDocuments } from "./invalidation.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { cachedPage } from "../../workers/search/cached-search.ts";
import { searchCatalog } from "../../workers/search/search-query.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { EventLog } from "../events/event-log.ts";
import type { RunningService } from "../service.ts";
import { indexerService } from "./service.ts";

const redisUrl = await testRedisUrl();
const topic = "tunec.catalog.tracks";

// The indexer as `--service indexer` runs it, fed events directly on the embedded PostgreSQL log.
describe.each(databaseKinds())("indexer service on %s", (kind) => {
  let database: TestDatabase;
  let service: RunningService;
  let log: EventLog;
  let artistId: string;
  let cache: Cache | undefined;
  const logger = createLogger({ service: "indexer-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url, REDIS_URL: redisUrl ?? undefined }), DATABASE_URL: database.url };
    service = await indexerService.start({ config, db: database.db, log: logger });
    log = createEventLog(config, database.db, logger).log;
    artistId = (await database.db.insertInto("catalog.artists").values({ name: "Земфира" }).returning("id").executeTakeFirstOrThrow()).id;
    if (redisUrl) cache = createRedisCache({ url: redisUrl });
  });
  afterAll(async () => {
    await cache?.close();
    await service?.stop();
    await log?.close();
    await database?.drop();
  });

  const rowOf = async (id: string): Promise<TrackRow> =>
    (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
  const insertTrack = async (title: string, artist = artistId) =>
    (
      await database.db
        .insertInto("catalog.tracks")
        .values({ title, artist_id: artist, duration_ms: 200_000, status: "published" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const found = async (q: string, id: string) => (await searchCatalog(database.db, { q, type: "track", limit: 10 })).hits.some((hit) => hit.id === id);
  const handled = async (eventId: string) =>
    (await database.db
      .selectFrom("events.inbox")
      .select("event_id")
      .where("consumer", "=", "search-indexer")
      .where("event_id", "=", eventId)
      .executeTakeFirst()) !== undefined;
  const source = { table: "catalog.tracks", ts_ms: Date.now() };
  const caughtUp = async () => (await log.lag("search-indexer", [topic])).every((partition) => partition.lag === 0);
  /** One cached page of track ids, as GET /search caches it. */
  const ask = async (q: string) => {
    if (!cache) throw new Error("no Redis");
    return cachedPage(
      cache,
      { type: "track", limit: 10, q },
      async () => ({ ids: (await searchCatalog(database.db, { q, type: "track", limit: 10 })).hits.map((hit) => hit.id) }),
      (json) => json as { ids: string[] },
      (value) => ({ tracks: value.ids, albums: [], artists: [] }),
    );
  };

  it("indexes an inserted track, applies updates in order and ignores a stale one", async () => {
    const id = await insertTrack("Ариведерчи");
    const row = await rowOf(id);
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: row, source });
    await waitFor(() => found("arivederchi", id), "the inserted track to be searchable");

    const newer = { ...row, title: "Небомореоблака", updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() };
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: newer, source });
    const stale = await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: { ...row, title: "Устаревшее" }, source });
    await waitFor(() => handled(stale.id), "the stale update to be handled");
    expect(await found("небомореоблака", id)).toBe(true);
    expect(await found("устаревшее", id)).toBe(false);
  });

  it("removes a deleted track; a later TrackUpdated does not resurrect it; duplicates change nothing", async () => {
    const id = await insertTrack("Бесконечность");
    const row = await rowOf(id);
    const created = await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: row, source });
    await waitFor(() => found("бесконечность", id), "the track to be searchable");
    const cachedBefore = cache ? await ask("бесконечность") : undefined;
    if (cachedBefore) expect(cachedBefore.value.ids).toContain(id);

    await publishEvent(log, topic, "tunec.catalog.track-deleted.v1", { op: "d", before: row, after: null, source });
    await waitFor(async () => !(await found("бесконечность", id)), "the deleted track to leave search");
    const late = { ...row, updated_at: new Date(Date.parse(row.updated_at) + 3_600_000).toISOString() };
    const update = await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: late, source });
    await log.publish([{ topic, key: id, value: JSON.stringify(created) }]);
    await waitFor(() => handled(update.id), "the late update to be handled");
    // The duplicate of `created` follows `update` in the partition: wait until the group has passed it.
    await waitFor(caughtUp, "the indexer to catch up");
    expect(await found("бесконечность", id)).toBe(false);
    const doc = await database.db.selectFrom("search.tracks").select(["visible"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(doc.visible).toBe(false);
    // The cached page that showed the deleted track was dropped.
    if (cache) expect((await ask("бесконечность")).value.ids).not.toContain(id);
  });

  it.runIf(redisUrl)("drops the cached searches showing a changed track, keeps the others, and finds the renamed track at once", async () => {
    // Words of their own: suites changing documents in parallel share this Redis.
    const [oldTitle, other, newTitle] = [word(), word(), word()];
    const artist = (await database.db.insertInto("catalog.artists").values({ name: word() }).returning("id").executeTakeFirstOrThrow()).id;
    const x = await insertTrack(oldTitle, artist);
    const y = await insertTrack(other, artist);
    const row = await rowOf(x);
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: row, source });
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: await rowOf(y), source });
    // Caught up: the batches are handled, and so are their invalidations (they run before the offsets move).
    await waitFor(caughtUp, "the indexer to catch up");
    expect((await found(oldTitle, x)) && (await found(other, y))).toBe(true);
    // Inserting them fenced their tags: no page showing them is stored for searchFenceSeconds. Skip that wait.
    const fences = changeTags(await changedDocuments(database.db, { tracks: [x, y], albums: [], artists: [artist], before: {} })).map(fenceKey);
    const redis = new Redis(redisUrl ?? "");
    await redis.del(...fences);
    redis.disconnect();
    for (const q of [oldTitle, other, newTitle]) expect(await ask(q)).toMatchObject({ cache: "miss" });
    expect(await ask(oldTitle)).toEqual({ value: { ids: [x] }, cache: "hit" });
    expect(await ask(other)).toEqual({ value: { ids: [y] }, cache: "hit" });
    expect(await ask(newTitle)).toEqual({ value: { ids: [] }, cache: "hit" });

    const renamed = { ...row, title: newTitle, updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() };
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: renamed, source });
    await waitFor(caughtUp, "the indexer to catch up");
    expect(await ask(oldTitle)).toEqual({ value: { ids: [] }, cache: "miss" });
    // The empty page of the new title showed no x: its query's words were dropped with x's new words.
    expect(await ask(newTitle)).toEqual({ value: { ids: [x] }, cache: "miss" });
    expect(await ask(other)).toEqual({ value: { ids: [y] }, cache: "hit" });
  });

  it("keeps artist documents in step: counts follow visible tracks", async () => {
    const artist = await database.db.selectFrom("search.artists").select(["name", "track_count"]).where("id", "=", artistId).executeTakeFirstOrThrow();
    expect(artist).toEqual({ name: "Земфира", track_count: 1 });
  });
});

/** A random word of consonants, so that its cache tags are its own. */
function word(): string {
  const letters = "bdfgklmnprstv";
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => letters[byte % letters.length]).join("");
}
