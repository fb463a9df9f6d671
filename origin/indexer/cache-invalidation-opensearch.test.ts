import { sql } from "kysely";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "../../shared/cache/cache.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { fenceKey } from "../../shared/cache/tags.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { changeTags } from "../../workers/search/cache-tags.ts";
import { cachedPage } from "../../workers/search/cached-search.ts";
import { openSearchSearch } from "../../workers/search/opensearch/adapter.ts";
import { dropTestIndices, testOpenSearchClient, testOpenSearchUrl } from "../../workers/search/testing/engines.ts";
import { publishEvent, waitFor } from "../events/consumer/testing.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { EventLog } from "../events/event-log.ts";
import type { RunningService } from "../service.ts";
import { changedDocuments } from "./invalidation.ts";
import { indexerService } from "./service.ts";

const redisUrl = await testRedisUrl();
const topic = "tunec.catalog.tracks";

/** A random word of consonants, so that its cache tags are its own (suites share this Redis). */
function word(): string {
  const letters = "bdfgklmnprstv";
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => letters[byte % letters.length]).join("");
}

// SEARCH_ENGINE=opensearch: the pump drops cached pages once a shipment is visible (indexer.test.ts covers PostgreSQL).
describe.runIf(redisUrl && testOpenSearchUrl)("cached searches on OpenSearch, invalidated by the indexer", () => {
  let database: TestDatabase;
  let service: RunningService;
  let log: EventLog;
  let cache: Cache;
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}`;
  const logger = createLogger({ service: "indexer-test" }, "error");
  const source = { table: "catalog.tracks", ts_ms: Date.now() };

  beforeAll(async () => {
    database = await createTestDatabase(databaseKinds().includes("postgres") ? "postgres" : "pglite");
    const config = {
      ...parseConfig(nodeConfigSchema, {
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl ?? undefined,
        SEARCH_ENGINE: "opensearch",
        OPENSEARCH_URL: testOpenSearchUrl,
        OPENSEARCH_INDEX_PREFIX: prefix,
      }),
      DATABASE_URL: database.url,
    };
    service = await indexerService.start({ config, db: database.db, log: logger });
    log = createEventLog(config, database.db, logger).log;
    cache = createRedisCache({ url: redisUrl ?? "" });
  });
  afterAll(async () => {
    await service?.stop();
    await log?.close();
    await cache?.close();
    await dropTestIndices(testOpenSearchClient(), prefix);
    await database?.drop();
  });

  const rowOf = async (id: string): Promise<TrackRow> =>
    (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
  const ask = (q: string) =>
    cachedPage(
      cache,
      { type: "track", limit: 10, q },
      async () => ({ ids: (await openSearchSearch(testOpenSearchClient(), { prefix }).search({ q, type: "track", limit: 10 })).hits.map((hit) => hit.id) }),
      (json) => json as { ids: string[] },
      (value) => ({ tracks: value.ids, albums: [], artists: [] }),
    );

  it("drops the cached searches showing a changed track after the shipment, keeps the others, and finds the renamed track", async () => {
    const [oldTitle, other, newTitle] = [word(), word(), word()];
    const artist = (await database.db.insertInto("catalog.artists").values({ name: word() }).returning("id").executeTakeFirstOrThrow()).id;
    const insert = async (title: string) =>
      (
        await database.db
          .insertInto("catalog.tracks")
          .values({ title, artist_id: artist, duration_ms: 200_000, status: "published" })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const [x, y] = [await insert(oldTitle), await insert(other)];
    const row = await rowOf(x);
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: row, source });
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "c", before: null, after: await rowOf(y), source });

    // The shipment of the inserts invalidates (and fences) their tags: wait for it, then skip the fence.
    const redis = new Redis(redisUrl ?? "");
    try {
      await waitFor(async () => (await redis.exists(fenceKey(`search:tag:track:${x}`), fenceKey(`search:tag:track:${y}`))) === 2, "the inserts to be shipped");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const fences = changeTags(await changedDocuments(database.db, { tracks: [x, y], albums: [], artists: [artist], before: {} })).map(fenceKey);
      await redis.del(...fences);
    } finally {
      redis.disconnect();
    }
    for (const q of [oldTitle, other, newTitle]) await ask(q);
    expect(await ask(oldTitle)).toEqual({ value: { ids: [x] }, cache: "hit" });
    expect(await ask(other)).toEqual({ value: { ids: [y] }, cache: "hit" });
    expect(await ask(newTitle)).toEqual({ value: { ids: [] }, cache: "hit" });

    const renamed = { ...row, title: newTitle, updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() };
    await publishEvent(log, topic, "tunec.catalog.track-updated.v1", { op: "u", before: row, after: renamed, source });
    // Until the shipment the cached empty page stands; then it goes, and OpenSearch already shows the rename.
    await waitFor(async () => (await ask(newTitle)).value.ids.includes(x), "the renamed track to be found through the cache");
    expect(await ask(oldTitle)).toEqual({ value: { ids: [] }, cache: "miss" });
    expect(await ask(other)).toEqual({ value: { ids: [y] }, cache: "hit" });
  });
});
