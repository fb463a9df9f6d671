import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../shared/testing/test-database.ts";

describe.each(databaseKinds())("catalog schema on %s", (kind) => {
  let database: TestDatabase;
  let artistId: string;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const artist = await database.db.insertInto("catalog.artists").values({ name: "Кино" }).returning("id").executeTakeFirstOrThrow();
    artistId = artist.id;
  });
  afterAll(async () => {
    await database.drop();
  });

  const track = (overrides: Record<string, unknown> = {}) => ({
    title: "Группа крови",
    artist_id: artistId,
    duration_ms: 284_000,
    isrc: "SUA018800001",
    ...overrides,
  });

  it("stores a track with defaults and stamps updated_at on a hand-written update", async () => {
    const row = await database.db.insertInto("catalog.tracks").values(track()).returningAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "draft", explicit: false, genres: [] });
    await sql`update catalog.tracks set title = 'Звезда по имени Солнце', updated_at = updated_at where id = ${row.id}`.execute(database.db);
    const after = await database.db.selectFrom("catalog.tracks").selectAll().where("id", "=", row.id).executeTakeFirstOrThrow();
    expect(after.updated_at.getTime()).toBeGreaterThanOrEqual(row.updated_at.getTime());
    const identity = await sql<{ relreplident: string }>`select relreplident from pg_class where oid = 'catalog.tracks'::regclass`.execute(database.db);
    expect(identity.rows[0]?.relreplident).toBe("f");
  });

  it.each([
    ["a malformed ISRC", { isrc: "SU-A01-88-00001" }],
    ["a zero duration", { duration_ms: 0 }],
    ["an unknown status", { status: "deleted" }],
    ["a position without an album", { position: 1 }],
    ["a non-ISO language", { language: "Russian" }],
  ])("refuses %s", async (_name, overrides) => {
    await expect(
      database.db
        .insertInto("catalog.tracks")
        .values(track(overrides) as never)
        .execute(),
    ).rejects.toThrow(/violates check constraint/);
  });

  it("keeps one rendition per quality and cascades them with the track", async () => {
    const row = await database.db
      .insertInto("catalog.tracks")
      .values(track({ isrc: null }))
      .returning("id")
      .executeTakeFirstOrThrow();
    const rendition = { track_id: row.id, quality: "standard" as const, codec: "mp3" as const, bitrate_kbps: 160, size_bytes: 1000, loudness_lufs: -14.2 };
    await database.db
      .insertInto("catalog.renditions")
      .values({ ...rendition, object_key: `renditions/${row.id}/standard.mp3` })
      .execute();
    await expect(
      database.db
        .insertInto("catalog.renditions")
        .values({ ...rendition, object_key: `renditions/${row.id}/other.mp3` })
        .execute(),
    ).rejects.toThrow(/duplicate key/);
    await database.db.deleteFrom("catalog.tracks").where("id", "=", row.id).execute();
    const left = await database.db.selectFrom("catalog.renditions").select("id").where("track_id", "=", row.id).execute();
    expect(left).toEqual([]);
  });
});
