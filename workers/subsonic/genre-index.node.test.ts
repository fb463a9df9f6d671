import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { trackIdsByGenreQuery } from "./library.ts";

// The plan, not its speed: 20,000 published tracks, 20 of them jazz, analysed, so the
// planner chooses freely; without the index (or with a query it cannot serve) it walks
// every published track instead.
describe("catalog.tracks genres GIN index (migration 0151)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    const db = createPostgresDatabase(database.url, { maxConnections: 1 });
    try {
      await sql`insert into catalog.artists (id, name) values ('00000000-0000-4000-8000-000000000151', 'Seed')`.execute(db);
      await sql`insert into catalog.tracks (title, artist_id, duration_ms, genres, status, published_at)
        select 'Track ' || n, '00000000-0000-4000-8000-000000000151', 180000,
          case when n % 1000 = 0 then array['Jazz'] else array['Genre ' || (n % 97)::text, 'Pop'] end,
          'published', now() - n * interval '1 minute'
        from generate_series(1, 20000) as n`.execute(db);
      await sql`analyze catalog.tracks`.execute(db);
    } finally {
      await db.destroy();
    }
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it("getSongsByGenre's query (genres @> array[$1]) is answered through tracks_genres", async () => {
    const db = createPostgresDatabase(database.url, { maxConnections: 1 });
    try {
      const plan = await db.connection().execute(async (connection) => {
        const rows = await trackIdsByGenreQuery(connection, "Jazz", 50, 0).explain<{ "QUERY PLAN": string }>();
        return rows.map((row) => row["QUERY PLAN"]).join("\n");
      });
      expect(plan).toMatch(/Bitmap Index Scan on tracks_genres/);
    } finally {
      await db.destroy();
    }
  });

  it("the overlap lookups of similar songs and artists (genres && $1) can use it too", async () => {
    const db = createPostgresDatabase(database.url, { maxConnections: 1 });
    try {
      const plan = await db.connection().execute(async (connection) => {
        const result = await sql<{ "QUERY PLAN": string }>`explain select t.id from catalog.tracks t
          where t.status = 'published' and t.published_at is not null and t.genres && ${["Jazz", "Soul"]}::text[]`.execute(connection);
        return result.rows.map((row) => row["QUERY PLAN"]).join("\n");
      });
      expect(plan).toMatch(/Bitmap Index Scan on tracks_genres/);
    } finally {
      await db.destroy();
    }
  });
});
