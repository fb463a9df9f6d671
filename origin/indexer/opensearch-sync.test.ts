import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { openSearchSearch } from "../../workers/search/opensearch/adapter.ts";
import type { OpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { aliasName } from "../../workers/search/opensearch/indices.ts";
import { dropTestIndices, testOpenSearchClient, testOpenSearchUrl } from "../../workers/search/testing/engines.ts";
import { z } from "zod";
import { applyTrackDeleted, applyTrackUpdated } from "./apply.ts";
import {
  currentIndices,
  drainOnce,
  ensureIndices,
  readDocuments,
  refreshPolicy,
  registerSync,
  startOpenSearchPump,
  tombstoneVersion,
  writeDocuments,
} from "./opensearch-sync.ts";
import { reindexOpenSearch } from "./opensearch-reindex.ts";
import { reindex } from "./reindex.ts";

const docSchema = z.object({ found: z.boolean(), _version: z.number().optional(), _source: z.object({ title: z.string(), visible: z.boolean() }).optional() });

describe("refresh policy of the pump", () => {
  it("forces a refresh at most once per gap and waits for the scheduled one in between", () => {
    let now = 0;
    const next = refreshPolicy(250, () => now);
    expect(next()).toBe(true);
    now = 100;
    expect(next()).toBe("wait_for");
    now = 249;
    expect(next()).toBe("wait_for");
    now = 250;
    expect(next()).toBe(true);
  });
});

// The OpenSearch read model kept from the PostgreSQL one: notes, bulk shipping, external versions, alias swap.
describe.runIf(testOpenSearchUrl)("shipping search documents to OpenSearch", () => {
  let database: TestDatabase;
  let client: OpenSearchClient;
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}`;
  let artistId: string;
  const source = { table: "catalog.tracks", ts_ms: 0 };

  beforeAll(async () => {
    database = await createTestDatabase(databaseKinds().includes("postgres") ? "postgres" : "pglite");
    client = testOpenSearchClient();
    await ensureIndices(client, prefix);
    await registerSync(database.db, "test");
    artistId = (await database.db.insertInto("catalog.artists").values({ name: "Кино" }).returning("id").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await dropTestIndices(client, prefix);
    await database?.drop();
  });

  const insert = async (title: string) =>
    (
      await database.db
        .insertInto("catalog.tracks")
        .values({ title, artist_id: artistId, duration_ms: 1000, status: "published", published_at: new Date() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const rowOf = async (id: string) =>
    (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
  const drain = async () => {
    while ((await drainOnce(database.db, client, prefix, { refresh: true })) > 0);
  };
  const stored = async (id: string) => (await client.request("GET", `/${aliasName(prefix, "tracks")}/_doc/${id}`, docSchema, { allow: [404] })).body;
  const search = (q: string) => openSearchSearch(client, { prefix }).search({ q, type: "track", limit: 10 });

  it("asks the refresh policy only when a drain has notes, so an empty drain does not spend the forced refresh", async () => {
    await drain();
    const asked: string[] = [];
    const policy = () => {
      asked.push("asked");
      return true as const;
    };
    expect(await drainOnce(database.db, client, prefix, { refresh: policy })).toBe(0);
    expect(asked).toEqual([]);
    await applyTrackUpdated(database.db, { op: "c", before: null, after: await rowOf(await insert("Звезда по имени Солнце")), source });
    expect(await drainOnce(database.db, client, prefix, { refresh: policy, kinds: ["tracks"] })).toBeGreaterThan(0);
    expect(asked).toEqual(["asked"]);
  });

  it("ships what the indexer applied, versioned by the source row; an older shipment cannot overwrite it", async () => {
    const id = await insert("Группа крови");
    const row = await rowOf(id);
    await applyTrackUpdated(database.db, { op: "c", before: null, after: row, source });
    const before = (await readDocuments(database.db, "tracks", { ids: [id] }))[0];
    await drain();
    expect((await search("gruppa krovi")).hits.map((hit) => hit.id)).toContain(id);

    const newer = { ...row, title: "Звезда по имени Солнце", updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() };
    await applyTrackUpdated(database.db, { op: "u", before: row, after: newer, source });
    await drain();
    expect(await stored(id)).toMatchObject({ found: true, _version: Date.parse(newer.updated_at) * 1000, _source: { title: "Звезда по имени Солнце" } });

    // A replayed shipment of the older document (a retry after a timeout, a reorder) is refused.
    if (!before) throw new Error("expected the first document");
    expect(await writeDocuments(client, aliasName(prefix, "tracks"), [before], { refresh: true })).toEqual({ written: 0, stale: 1 });
    expect(await stored(id)).toMatchObject({ _source: { title: "Звезда по имени Солнце" } });
    // The same version again is accepted (a rename of the artist rebuilds documents whose row did not change) and changes nothing.
    const current = await readDocuments(database.db, "tracks", { ids: [id] });
    expect(await writeDocuments(client, aliasName(prefix, "tracks"), current, { refresh: true })).toEqual({ written: 1, stale: 0 });
    expect(await database.db.selectFrom("search.opensearch_pending").selectAll().execute()).toEqual([]);
  });

  it("a deleted track's tombstone outranks every later shipment of it", async () => {
    const id = await insert("Пачка сигарет");
    const row = await rowOf(id);
    await applyTrackUpdated(database.db, { op: "c", before: null, after: row, source });
    await drain();
    const live = await readDocuments(database.db, "tracks", { ids: [id] });
    await applyTrackDeleted(database.db, { op: "d", before: row, after: null, source });
    await drain();
    expect(await stored(id)).toMatchObject({ _version: tombstoneVersion, _source: { visible: false } });
    expect((await search("pachka sigaret")).hits.map((hit) => hit.id)).not.toContain(id);
    expect(await writeDocuments(client, aliasName(prefix, "tracks"), live, { refresh: true })).toEqual({ written: 0, stale: 1 });
  });

  it("a woken pump ships at once, not at its next poll, and the shipment is searchable when the bulk returns", async () => {
    // Each kind has its own lane: the album's and the artist's documents may be shipped (and reported) before the track's.
    const shippedTracks: string[] = [];
    const shipped = vi.fn(async (documents: ReadonlyArray<{ kind: string; document: { id: string } }>) => {
      for (const { kind, document } of documents) if (kind === "tracks") shippedTracks.push(document.id);
    });
    // A poll interval far beyond the test's timeout: only wake() can ship in time.
    const pump = startOpenSearchPump(database.db, client, { prefix, log: createLogger({ test: "pump" }, "error"), intervalMs: 60_000, afterShip: shipped });
    try {
      await drain();
      // Let the pump's first pass find nothing and go to sleep for its 60 s.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(shipped).not.toHaveBeenCalled();
      const id = await insert("Восьмиклассница");
      await applyTrackUpdated(database.db, { op: "c", before: null, after: await rowOf(id), source });
      const started = performance.now();
      pump.wake();
      await vi.waitFor(() => expect(shippedTracks).toContain(id), { timeout: 5_000, interval: 10 });
      // afterShip runs after the bulk returned: the change must be searchable already, without waiting for the 1 s refresh.
      expect((await search("vosmiklassnitsa")).hits.map((hit) => hit.id)).toContain(id);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await pump.stop();
    }
  });

  it("reindexes into new indices and swaps the aliases while searches keep answering", async () => {
    const id = await insert("Кукушка");
    await reindex(database.db);
    await drain();
    const before = await currentIndices(client, prefix);
    const progress: number[] = [];
    const result = await reindexOpenSearch(database.db, client, { prefix, batchSize: 1, onProgress: (done) => progress.push(done) });
    const after = await currentIndices(client, prefix);
    expect(after.tracks).toBe(result.indices.tracks);
    expect(after.tracks).not.toBe(before.tracks);
    expect(progress.at(-1)).toBe(result.documents);
    expect(progress.length).toBe(result.documents + 1);
    expect((await search("kukushka")).hits.map((hit) => hit.id)).toContain(id);
    // The old index is gone: the alias is the only way in.
    expect((await client.request("GET", `/${before.tracks ?? "none"}`, z.unknown(), { allow: [404] })).status).toBe(404);
  });
});
