import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { upsertTrackDocuments } from "./documents.ts";

describe.each(databaseKinds())("track documents on %s", (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await database?.drop();
  });

  // trackDocuments computes each name's search form once and joins the forms; the result must be what
  // search.search_key / search.weighted_vector give on the whole text (the definitions in migrations/0020 and 0171).
  it.each([
    { title: "Хочешь?", artists: ["Земфира"], album: "Прости меня моя любовь", genres: ["rock", "поп"] },
    { title: "…!", artists: ["Кино"], album: null, genres: [] },
    { title: "Kh-kh", artists: ["Мумий Тролль", "Øystein Ёлкин-Jäger"], album: "«Морская»  (1997)", genres: ["new wave"] },
    { title: "Щука & Хвост", artists: ["Ä"], album: "—", genres: ["hip-hop", "rap"] },
  ])("builds the same forms and vectors as the SQL functions: $title", async ({ title, artists, album, genres }) => {
    const db = database.db;
    const [main, ...featured] = await Promise.all(
      artists.map(async (name) => (await db.insertInto("catalog.artists").values({ name }).returning("id").executeTakeFirstOrThrow()).id),
    );
    if (!main) throw new Error("no artist");
    const albumId =
      album === null ? null : (await db.insertInto("catalog.albums").values({ title: album, artist_id: main }).returning("id").executeTakeFirstOrThrow()).id;
    const id = (
      await db
        .insertInto("catalog.tracks")
        .values({ title, artist_id: main, album_id: albumId, duration_ms: 1000, status: "published", genres })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    for (const [position, artistId] of featured.entries())
      await db
        .insertInto("catalog.track_artists")
        .values({ track_id: id, artist_id: artistId, role: "featured", position: position + 1 })
        .execute();
    expect(await upsertTrackDocuments(db, sql`(select * from catalog.tracks where id = ${id})`)).toEqual([id]);
    const names = [...artists].join(" ");
    const row = (
      await sql<{ same_title: boolean; same_names: boolean; same_tsv: boolean; same_sound: boolean; names_latin: string }>`
        select d.title_latin = search.search_key(${title}) as same_title,
          d.names_latin = search.search_key(concat_ws(' ', ${title}::text, ${names}::text, ${album}::text)) as same_names,
          d.tsv = search.weighted_vector(${title}, 'A') || search.weighted_vector(${names}, 'B')
            || search.weighted_vector(${album}, 'C') || search.weighted_vector(${genres.join(" ")}, 'D') as same_tsv,
          d.sound = to_tsvector('simple', search.sound(search.search_key(concat_ws(' ', ${title}::text, ${names}::text, ${album}::text)))) as same_sound,
          d.names_latin
        from search.tracks d where d.id = ${id}`.execute(db)
    ).rows[0];
    expect(row).toEqual({ same_title: true, same_names: true, same_tsv: true, same_sound: true, names_latin: row?.names_latin });
    expect(row?.names_latin).not.toBe("");
  });
});
