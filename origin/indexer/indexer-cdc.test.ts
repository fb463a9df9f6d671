import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { searchCatalog } from "../../workers/search/search-query.ts";
import { cdcService } from "../cdc/service.ts";
import { dropTestSlot, testSlotName } from "../cdc/testing/cdc-fixture.ts";
import { waitFor } from "../events/consumer/testing.ts";
import type { RunningService } from "../service.ts";
import { indexerService } from "./service.ts";

// An admin's hand-written SQL reaches search: CDC (WAL on PostgreSQL, triggers on PGlite) → log → indexer.
describe.each(databaseKinds())("plain SQL on catalog.tracks reaches search on %s", (kind) => {
  let database: TestDatabase;
  const services: RunningService[] = [];
  const slot = testSlotName();
  const logger = createLogger({ service: "indexer-cdc-test" }, "error");

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const config = { ...parseConfig(nodeConfigSchema, { DATABASE_URL: database.url, CDC_SLOT: slot }), DATABASE_URL: database.url };
    services.push(await cdcService.start({ config, db: database.db, log: logger }));
    services.push(await indexerService.start({ config, db: database.db, log: logger }));
  });
  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    if (kind === "postgres") await dropTestSlot(database.db, slot);
    await database?.drop();
  });

  const found = async (q: string) => (await searchCatalog(database.db, { q, type: "track", limit: 10 })).hits.map((hit) => hit.id);

  it("INSERT, UPDATE … SET title and DELETE show in search results", async () => {
    await sql`insert into catalog.artists (id, name) values ('6f1c2d8e-0000-4000-8000-000000000001', 'Кино')`.execute(database.db);
    await sql`
      insert into catalog.tracks (id, title, artist_id, duration_ms, status, published_at)
      values ('6f1c2d8e-0000-4000-8000-0000000000a1', 'Группа крови', '6f1c2d8e-0000-4000-8000-000000000001', 284000, 'published', now())`.execute(database.db);
    const id = "6f1c2d8e-0000-4000-8000-0000000000a1";
    await waitFor(async () => (await found("gruppa krovi")).includes(id), "the inserted track in search", 20_000);

    await sql`update catalog.tracks set title = 'Звезда по имени Солнце' where id = ${id}`.execute(database.db);
    await waitFor(async () => (await found("zvezda po imeni")).includes(id), "the new title in search", 20_000);
    expect(await found("группа крови")).not.toContain(id);

    await sql`update catalog.tracks set status = 'taken_down' where id = ${id}`.execute(database.db);
    await waitFor(async () => !(await found("звезда")).includes(id), "a taken-down track to leave search", 20_000);
    await sql`update catalog.tracks set status = 'published' where id = ${id}`.execute(database.db);
    await waitFor(async () => (await found("звезда")).includes(id), "the republished track back in search", 20_000);

    await sql`delete from catalog.tracks where id = ${id}`.execute(database.db);
    await waitFor(async () => !(await found("звезда")).includes(id), "the deleted track to leave search", 20_000);
  });
});
