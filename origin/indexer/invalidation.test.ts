import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Cache } from "../../shared/cache/cache.ts";
import { createRedisCache } from "../../shared/cache/redis-cache.ts";
import { searchVersionKey } from "../../shared/cache/search-keys.ts";
import { fenceKey } from "../../shared/cache/tags.ts";
import { testRedisUrl } from "../../shared/cache/testing/redis.ts";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { createLogger, type Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, EventLog, LogRecord } from "../events/event-log.ts";
import { entityTag } from "../../workers/search/cache-tags.ts";
import { invalidateDocuments, maxTagsPerInvalidation, searchInvalidation } from "./invalidation.ts";

const url = await testRedisUrl();

// Uses a Redis database of its own (/9): bumping the shared search:version would drop other suites' pages.
describe.runIf(url)("invalidating cached searches for changed documents", () => {
  let cache: Cache;
  let redis: Redis;
  const warnings: string[] = [];
  const logger: Logger = { ...createLogger({ test: "invalidation" }, "error"), warn: (message: string) => void warnings.push(message) };
  beforeAll(() => {
    const own = `${(url ?? "").replace(/\/\d+$/, "")}/9`;
    cache = createRedisCache({ url: own });
    redis = new Redis(own);
  });
  afterAll(async () => {
    await cache.close();
    redis.disconnect();
  });

  it("drops the tags of a small change and leaves the version alone", async () => {
    const id = crypto.randomUUID();
    const before = Number((await redis.get(searchVersionKey)) ?? 0);
    await invalidateDocuments(cache, [{ kind: "track", id, searchForm: "kino", previousForm: "" }], logger);
    expect(await redis.exists(fenceKey(entityTag("track", id)))).toBe(1);
    expect(Number((await redis.get(searchVersionKey)) ?? 0)).toBe(before);
  });

  it(`bumps the version instead past ${maxTagsPerInvalidation} tags (an artist with thousands of tracks renamed)`, async () => {
    const before = Number((await redis.get(searchVersionKey)) ?? 0);
    const documents = Array.from({ length: maxTagsPerInvalidation + 1 }, () => ({ kind: "track" as const, id: crypto.randomUUID(), searchForm: "" }));
    await invalidateDocuments(cache, documents, logger);
    expect(Number(await redis.get(searchVersionKey))).toBe(before + 1);
    expect(await redis.exists(fenceKey(entityTag("track", documents[0]?.id ?? "")))).toBe(0);
  });

  it("logs, and does not throw, when Redis is down: the index is right, pages wait for their ttl", async () => {
    const dead = createRedisCache({ url: "redis://127.0.0.1:1" });
    await invalidateDocuments(dead, [{ kind: "track", id: crypto.randomUUID(), searchForm: "kino" }], logger);
    expect(warnings).toContain("could not invalidate cached searches");
    await dead.close();
  });
});

// Never reached: without a cache the hook returns before reading search forms.
const noDatabase = {} as Kysely<Database>;

const record = (partition: number): LogRecord => ({
  topic: "tunec.catalog.tracks",
  partition,
  offset: "0",
  key: "k",
  value: "{}",
  headers: {},
  timestamp: new Date(),
});

// The hook that wakes the OpenSearch pump: after the batch's handler resolved (its transactions committed), only for batches that changed the index.
describe("search invalidation", () => {
  it("calls afterCommit once per handled batch that changed the index, after the handler, and not for other batches", async () => {
    const order: string[] = [];
    const afterCommit = vi.fn(() => void order.push("afterCommit"));
    const invalidation = searchInvalidation(null, noDatabase, createLogger({ test: "invalidation" }, "error"), { afterCommit });
    let handle: ConsumeOptions["handle"] | undefined;
    const log: EventLog = {
      ensureTopics: async () => undefined,
      publish: async () => undefined,
      lag: async () => [],
      close: async () => undefined,
      consume: async (options: ConsumeOptions) => {
        handle = options.handle;
        return { stop: async () => undefined };
      },
    };
    await invalidation.wrap(log).consume({
      group: "g",
      topics: ["tunec.catalog.tracks"],
      async handle(records) {
        order.push("handled");
        if (records[0]?.partition === 1) invalidation.changed(records[0], { tracks: ["t"], albums: [], artists: [], before: {} });
      },
    });
    if (!handle) throw new Error("consume was not called");
    await handle([record(0)]);
    expect(afterCommit).not.toHaveBeenCalled();
    await handle([record(1)]);
    expect(afterCommit).toHaveBeenCalledTimes(1);
    expect(order).toEqual(["handled", "handled", "afterCommit"]);
    await handle([record(1)]);
    expect(afterCommit).toHaveBeenCalledTimes(2);
  });
});
