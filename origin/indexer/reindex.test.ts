import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrackRow } from "../../shared/events/track-events.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { applyTrackDeleted, applyTrackUpdated } from "./apply.ts";
import { reindex } from "./reindex.ts";

describe.each(databaseKinds())("reindex on %s", (kind) => {
  let database: TestDatabase;
  let artistId: string;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    artistId = (await database.db.insertInto("catalog.artists").values({ name: "Сплин" }).returning("id").executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await database?.drop();
  });

  const insert = async (title: string, status: "published" | "draft" = "published") =>
    (await database.db.insertInto("catalog.tracks").values({ title, artist_id: artistId, duration_ms: 1000, status }).returning("id").executeTakeFirstOrThrow())
      .id;
  const rowOf = async (id: string) =>
    (await sql<{ row: TrackRow }>`select to_jsonb(t) as row from catalog.tracks t where id = ${id}`.execute(database.db)).rows[0]?.row as TrackRow;
  const doc = (id: string) => database.db.selectFrom("search.tracks").select(["title", "visible"]).where("id", "=", id).executeTakeFirst();
  const source = { table: "catalog.tracks", ts_ms: 0 };

  it("builds documents from the catalog, keeps drafts invisible, reports progress in batches", async () => {
    const published = await insert("Выхода нет");
    const draft = await insert("Черновик", "draft");
    const progress: number[] = [];
    const result = await reindex(database.db, { batchSize: 1, onProgress: (done) => void progress.push(done) });
    expect(result.tracks).toBe(2);
    expect(progress).toEqual([0, 1, 2]);
    expect(await doc(published)).toEqual({ title: "Выхода нет", visible: true });
    expect(await doc(draft)).toMatchObject({ visible: false });
    expect(await database.db.selectFrom("search.artists").select("track_count").where("id", "=", artistId).executeTakeFirst()).toEqual({ track_count: 1 });
  });

  it("never undoes what the live indexer applied: a newer title or a deletion stays", async () => {
    const renamed = await insert("Романс");
    const deleted = await insert("Мы сидели и курили");
    await reindex(database.db);
    // The indexer applies changes newer than the catalog rows reindex reads (they commit while it runs).
    const row = await rowOf(renamed);
    await applyTrackUpdated(database.db, {
      op: "u",
      before: row,
      after: { ...row, title: "Романс (live)", updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() },
      source,
    });
    await applyTrackDeleted(database.db, { op: "d", before: await rowOf(deleted), after: null, source });
    await reindex(database.db);
    expect(await doc(renamed)).toEqual({ title: "Романс (live)", visible: true });
    expect(await doc(deleted)).toMatchObject({ visible: false });
  });

  it("turns documents of tracks gone from the catalog into tombstones", async () => {
    const gone = await insert("Орбит без сахара");
    await reindex(database.db);
    await database.db.deleteFrom("catalog.tracks").where("id", "=", gone).execute();
    const result = await reindex(database.db);
    expect(result.removed).toBe(1);
    expect(await doc(gone)).toMatchObject({ visible: false });
  });

  it("swaps in a table with the old one's indexes and triggers, keeping a change the live indexer made during the build", async () => {
    const structure = async () => ({
      indexes: (
        await sql<{ indexdef: string }>`select indexdef from pg_indexes where schemaname = 'search' and tablename = 'tracks' order by indexname`.execute(
          database.db,
        )
      ).rows,
      triggers: (
        await sql<{ tgname: string }>`select tgname from pg_trigger where tgrelid = 'search.tracks'::regclass and not tgisinternal order by tgname`.execute(
          database.db,
        )
      ).rows,
      logged: (await sql<{ relpersistence: string }>`select relpersistence from pg_class where oid = 'search.tracks'::regclass`.execute(database.db)).rows,
    });
    const before = await structure();
    const first = await insert("Гражданская оборона");
    const second = await insert("Всё идёт по плану");
    await reindex(database.db);
    let applied = false;
    await reindex(database.db, {
      batchSize: 1,
      // Mid-build: the indexer applies a change to the table searches read now.
      onProgress: async (done) => {
        if (done !== 1 || applied) return;
        applied = true;
        const row = await rowOf(second);
        await applyTrackUpdated(database.db, {
          op: "u",
          before: row,
          after: { ...row, title: "Всё идёт по плану (live)", updated_at: new Date(Date.parse(row.updated_at) + 60_000).toISOString() },
          source,
        });
      },
    });
    expect(applied).toBe(true);
    expect(await doc(second)).toEqual({ title: "Всё идёт по плану (live)", visible: true });
    expect(await doc(first)).toEqual({ title: "Гражданская оборона", visible: true });
    expect(await structure()).toEqual(before);
    expect((await structure()).indexes.length).toBeGreaterThan(5);
    expect((await structure()).triggers.map((t) => t.tgname)).toContain("tracks_opensearch_update");
    expect((await sql<{ n: string }>`select count(*) as n from pg_class where relname = 'tracks_reindex'`.execute(database.db)).rows[0]?.n).toBe("0");
  });
});
