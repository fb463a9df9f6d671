import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../../shared/cache/search-keys.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
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
  const logger = createLogger({ service: "indexer-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url, REDIS_URL: redisUrl ?? undefined }), DATABASE_URL: database.url };
    service = await indexerService.start({ config, db: database.db, log: logger });
    log = createEventLog(config, database.db, logger).log;
    artistId = (await database.db.insertInto("catalog.artists").values({ name: "Земфира" }).returning("id").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await service?.stop();
    await log?.close();
    await database?.drop();
  });

  const rowOf = async (id: string): Promise<TrackRow> =>
    (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
  const insertTrack = async (title: string) =>
    (
      await database.db
        .insertInto("catalog.tracks")
        .values({ title, artist_id: artistId, duration_ms: 200_000, status: "published" })
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
    const versionBefore = redisUrl ? await readVersion(redisUrl) : 0;

    await publishEvent(log, topic, "tunec.catalog.track-deleted.v1", { op: "d", before: row, after: null, source });
    await waitFor(async () => !(await found("бесконечность", id)), "the deleted track to leave search");
    const late = { ...row, updated_at: new Date(Date.parse(row.updated_at) + 3_600_000).toISOString() };
    const update = await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: late, source });
    await log.publish([{ topic, key: id, value: JSON.stringify(created) }]);
    await waitFor(() => handled(update.id), "the late update to be handled");
    // The duplicate of `created` follows `update` in the partition: wait until the group has passed it.
    await waitFor(async () => (await log.lag("search-indexer", [topic])).every((partition) => partition.lag === 0), "the indexer to catch up");
    expect(await found("бесконечность", id)).toBe(false);
    const doc = await database.db.selectFrom("search.tracks").select(["visible"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(doc.visible).toBe(false);
    if (redisUrl) expect(await readVersion(redisUrl)).toBeGreaterThan(versionBefore);
  });

  it("keeps artist documents in step: counts follow visible tracks", async () => {
    const artist = await database.db.selectFrom("search.artists").select(["name", "track_count"]).where("id", "=", artistId).executeTakeFirstOrThrow();
    expect(artist).toEqual({ name: "Земфира", track_count: 1 });
  });
});

async function readVersion(url: string): Promise<number> {
  const cache = createRedisCache({ url });
  try {
    return Number((await cache.get(searchVersionKey)) ?? 0);
  } finally {
    await cache.close();
  }
}
