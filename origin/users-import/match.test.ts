import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createIndexedQualityCatalog } from "../../workers/search/testing/indexed-quality-catalog.ts";
import type { QualityCatalog } from "../../workers/search/testing/quality-catalog.ts";
import { matchEntries } from "./match.ts";

// The matcher over the search context's quality catalog (both scripts, near-miss distractors, a draft).
describe.each(databaseKinds())("import matching on %s", (kind) => {
  let database: TestDatabase;
  let catalog: QualityCatalog;
  beforeAll(async () => {
    ({ database, catalog } = await createIndexedQualityCatalog(kind));
  });
  afterAll(async () => {
    await database?.drop();
  });

  const matchOne = async (artist: string | string[], title: string) => {
    const [result] = await matchEntries(database.db, [{ position: 0, artists: Array.isArray(artist) ? artist : [artist], title }]);
    return result;
  };
  const id = (title: string) => catalog.trackIds.get(title);

  it.each([
    ["Кино", "Группа крови", "Группа крови"],
    ["Kino", "Gruppa krovi", "Группа крови"],
    ["KINO", "Gruppa Krovi (Remastered)", "Группа крови"],
    ["Kino", "Zakroy za mnoy dver', ya ukhozhu", "Закрой за мной дверь, я ухожу"],
    ["Земфира", "Искала", "Iskala"],
    ["Zemfira", "Khochesh?", "Хочешь?"],
    ["Splin", "Vykhoda net", "Выхода нет"],
    ["Mumiy Troll", "Vladivostok 2000", "Владивосток 2000"],
    ["Alla Pugacheva", "Million alykh roz", "Миллион алых роз"],
    ["Queen", "Bohemian Rhapsody - Remastered 2011", "Bohemian Rhapsody"],
    ["Queen", "Bohemian Rapsody", "Bohemian Rhapsody"],
    [["Noize MC", "Монеточка"], "Вселенная бесконечна?", "Вселенная бесконечна?"],
  ])("%s — %s matches %s", async (artist, title, expected) => {
    const result = await matchOne(artist, title);
    expect(result?.trackId).toBe(id(expected));
    expect(result?.score).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ["Queen", "Don't Stop Me Now"], // the artist exists, the song does not
    ["Ленинград", "Экспонат"], // neither exists
    ["Кинозвезда", "Группа крови"], // the title exists, by another artist
    ["Кино", "Кино"], // an artist's name is not a title
    ["Kino", "Krovi gruppa"], // the same words in another order are another song
    ["Kino", "Zvezda po imeni Luna"], // one word off in a short title
  ])("%s — %s stays unmatched", async (artist, title) => {
    expect((await matchOne(artist, title))?.trackId).toBeNull();
  });

  it("never matches a draft, and keeps the order and positions of a batch", async () => {
    const results = await matchEntries(database.db, [
      { position: 7, artists: ["Radiohead"], title: "Creep" },
      { position: 3, artists: ["Кино"], title: "Nothing like it" },
      { position: 5, artists: ["Queen"], title: "We Will Rock You" },
    ]);
    expect(results.map((result) => [result.position, result.trackId])).toEqual([
      [3, null],
      [5, id("We Will Rock You")],
      [7, id("Creep")],
    ]);
    const draft = await database.db.selectFrom("catalog.tracks").select("title").where("id", "=", catalog.draftTrackId).executeTakeFirstOrThrow();
    const artist = await database.db
      .selectFrom("catalog.tracks as t")
      .innerJoin("catalog.artists as a", "a.id", "t.artist_id")
      .select("a.name")
      .where("t.id", "=", catalog.draftTrackId)
      .executeTakeFirstOrThrow();
    expect((await matchOne(artist.name, draft.title))?.trackId).not.toBe(catalog.draftTrackId);
  });
});
