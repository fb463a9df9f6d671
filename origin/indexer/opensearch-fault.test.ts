import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import type { OpenSearchClient } from "../../workers/search/opensearch/client.ts";
import { aliasName } from "../../workers/search/opensearch/indices.ts";
import { dropTestIndices, testOpenSearchClient, testOpenSearchUrl } from "../../workers/search/testing/engines.ts";
import { z } from "zod";
import { applyTrackUpdated } from "./apply.ts";
import { readDocuments, registerSync, startOpenSearchPump, type OpenSearchPump } from "./opensearch-sync.ts";

const run = promisify(execFile);
const node = (command: "stop" | "start") => run("bash", ["scripts/opensearch/opensearch.sh", command], { timeout: 240_000 });

/**
 * OpenSearch stopped in the middle of a stream of catalog changes and started
 * again: every change arrives, none is older than its source. It stops the
 * node the script manages, so it runs only when asked (OPENSEARCH_FAULT_TEST=1)
 * and alone: `.ci/run` runs it after the other suites (docs/search-opensearch.md).
 */
describe.runIf(testOpenSearchUrl && process.env.OPENSEARCH_FAULT_TEST === "1")("OpenSearch down during a stream of changes", () => {
  let database: TestDatabase;
  let client: OpenSearchClient;
  let pump: OpenSearchPump;
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}`;
  const source = { table: "catalog.tracks", ts_ms: 0 };
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(databaseKinds().includes("postgres") ? "postgres" : "pglite");
    client = testOpenSearchClient();
    await registerSync(database.db, "fault-test");
    pump = startOpenSearchPump(database.db, client, { prefix, log: createLogger({ test: "opensearch-fault" }, "error"), intervalMs: 50 });
    const artistId = (await database.db.insertInto("catalog.artists").values({ name: "Сплин" }).returning("id").executeTakeFirstOrThrow()).id;
    for (let i = 0; i < 20; i++) {
      const row = await database.db
        .insertInto("catalog.tracks")
        .values({ title: `Песня ${i}`, artist_id: artistId, duration_ms: 1000, status: "published", published_at: new Date() })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(row.id);
    }
  }, 60_000);
  afterAll(async () => {
    await node("start").catch(() => undefined);
    await pump?.stop();
    await dropTestIndices(client, prefix).catch(() => undefined);
    await database?.drop();
  }, 240_000);

  /** One catalog change as CDC brings it: the row updated, the event applied by the indexer. */
  const change = async (step: number) => {
    const id = ids[step % ids.length] ?? "";
    await sql`update catalog.tracks set title = ${`Песня ${step % ids.length} v${step}`}, status = ${step % 7 === 3 ? "taken_down" : "published"}, updated_at = clock_timestamp() where id = ${id}`.execute(
      database.db,
    );
    const row = (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
    await applyTrackUpdated(database.db, { op: step < ids.length ? "c" : "u", before: null, after: row, source });
  };

  it("ships every change once it is back, and nothing older than the source", async () => {
    let step = 0;
    for (; step < 40; step++) await change(step);
    const stopping = node("stop");
    // Changes keep coming while the node goes down and stays down.
    for (; step < 120; step++) await change(step);
    await stopping;
    expect(
      Number(
        (
          await database.db
            .selectFrom("search.opensearch_pending")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBeGreaterThan(0);
    const starting = node("start");
    for (; step < 160; step++) await change(step);
    await starting;
    for (; step < 200; step++) await change(step);
    await pump.flush();
    await client.request("POST", `/${aliasName(prefix, "tracks")}/_refresh`, z.unknown());

    const expected = await readDocuments(database.db, "tracks", { ids });
    expect(expected).toHaveLength(ids.length);
    const stored = z.object({
      docs: z.array(z.object({ _id: z.string(), found: z.boolean(), _version: z.number().optional(), _source: z.record(z.string(), z.unknown()).optional() })),
    });
    const { body } = await client.request("POST", `/${aliasName(prefix, "tracks")}/_mget`, stored, { body: { ids } });
    for (const document of expected) {
      const got = body.docs.find((doc) => doc._id === document.id);
      // Same version as the read model (never newer, never older) and the same content.
      expect(got).toMatchObject({ found: true, _version: document.version });
      expect(got?._source).toEqual(document.source);
    }
  }, 300_000);
});
