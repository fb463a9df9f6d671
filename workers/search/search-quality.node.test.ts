import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../../shared/testing/test-database.ts";
import type { SearchType } from "./search-query.ts";
import { createTestEngine, searchEngineCases, type TestEngine } from "./testing/engines.ts";
import { createIndexedQualityCatalog } from "./testing/indexed-quality-catalog.ts";
import type { QualityCatalog } from "./testing/quality-catalog.ts";

// Search quality through the search port over a reindexed catalog, on each engine
// (PostgreSQL: workers/search/search-query.ts; OpenSearch when OPENSEARCH_URL is set).
describe.each(searchEngineCases())("search quality on %s, %s search", (kind, engineName) => {
  let database: TestDatabase;
  let catalog: QualityCatalog;
  let engine: TestEngine;
  beforeAll(async () => {
    ({ database, catalog } = await createIndexedQualityCatalog(kind, { batchSize: 7 }));
    engine = await createTestEngine(engineName, database.db);
  }, 60_000);
  afterAll(async () => {
    await engine?.drop();
    await database?.drop();
  });
  const searchCatalog = (_db: unknown, request: Parameters<TestEngine["port"]["search"]>[0]) => engine.port.search(request);

  const titles = async (q: string, limit = 5) => {
    const result = await searchCatalog(database.db, { q, type: "track", limit });
    if (result.type !== "track") throw new Error("expected tracks");
    return result.hits.map((hit) => hit.title);
  };
  const names = async (q: string, type: Exclude<SearchType, "track">) => {
    const result = await searchCatalog(database.db, { q, type, limit: 5 });
    return result.type === "artist" ? result.hits.map((hit) => hit.name) : result.type === "album" ? result.hits.map((hit) => hit.title) : [];
  };

  it.each([
    ["Группа крови", "Группа крови"],
    ["Bohemian Rhapsody", "Bohemian Rhapsody"],
    ["закрой за мной дверь", "Закрой за мной дверь, я ухожу"],
    ["Хочешь?", "Хочешь?"],
    ["Вселенная бесконечна", "Вселенная бесконечна?"],
  ])("exact: %s", async (q, first) => {
    expect((await titles(q))[0]).toBe(first);
  });

  it.each([
    ["Bohem", "Bohemian Rhapsody"],
    ["звезда по им", "Звезда по имени Солнце"],
    ["Karma Pol", "Karma Police"],
    ["владив", "Владивосток 2000"],
  ])("prefix: %s", async (q, first) => {
    expect((await titles(q))[0]).toBe(first);
  });

  it.each([
    ["Bohemian Rapsody", "Bohemian Rhapsody"], // one letter missing
    ["Группа крофи", "Группа крови"], // one letter wrong
    ["Радиохэд Creep", "Creep"], // transliterated and misspelt
    ["Karma Polise", "Karma Police"],
    ["Bohemain Rhapsodi", "Bohemian Rhapsody"], // two letters off
    ["Милион алых роз", "Миллион алых роз"],
    ["Utikai", "Утекай"], // two letters off, transliterated
  ])("typo: %s", async (q, first) => {
    expect((await titles(q))[0]).toBe(first);
  });

  it("typo: one letter off in an artist's name finds their tracks", async () => {
    const hits = await titles("Zemfra");
    expect(hits.slice(0, 3).sort()).toEqual(["Ariva", "Iskala", "Хочешь?"]);
  });

  it.each([
    ["gruppa krovi", "Группа крови"],
    ["vladivostok 2000", "Владивосток 2000"],
    ["искала", "Iskala"],
    ["Пугачева миллион", "Миллион алых роз"], // ё written as е
    ["million alyh roz", "Миллион алых роз"],
  ])("transliterated: %s", async (q, first) => {
    expect((await titles(q))[0]).toBe(first);
  });

  it("transliterated: `kino` finds «Кино» and `земфира` finds Zemfira", async () => {
    expect(await names("kino", "artist")).toContain("Кино");
    expect((await names("земфира", "artist"))[0]).toBe("Zemfira");
    expect((await titles("земфира")).slice(0, 3).sort()).toEqual(["Ariva", "Iskala", "Хочешь?"]);
    const kinoTracks = await titles("kino", 10);
    expect(kinoTracks).toEqual(expect.arrayContaining(["Группа крови", "Пачка сигарет", "Кино о любви"]));
  });

  it.each([
    ["Кино gruppa krovi", "Группа крови"],
    ["Zemfira хочешь", "Хочешь?"],
    ["Мумий Troll utekai", "Утекай"],
    ["queen we will", "We Will Rock You"],
  ])("mixed script: %s", async (q, first) => {
    expect((await titles(q))[0]).toBe(first);
  });

  it("finds albums and artists by type", async () => {
    expect((await names("gruppa krovi", "album"))[0]).toBe("Группа крови");
    expect((await names("night at the opera", "album"))[0]).toBe("A Night at the Opera");
    expect((await names("радиохед", "artist"))[0]).toBe("Radiohead");
    expect((await names("Сплин", "artist"))[0]).toBe("Сплин");
  });

  it("never shows a draft, and finds nothing for nonsense", async () => {
    const result = await searchCatalog(database.db, { q: "неизданное", type: "track", limit: 5 });
    expect(result.hits.map((hit) => hit.id)).not.toContain(catalog.draftTrackId);
    expect(await titles("qwxzv")).toEqual([]);
    // Words with no Latin or Cyrillic letter have an empty search form: they must not match every such title.
    expect(await titles("日本")).toEqual([]);
  });

  it("pages by (score, id) without repeats or gaps", async () => {
    const all = await searchCatalog(database.db, { q: "кино", type: "track", limit: 50 });
    expect(all.hits.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let after: { score: number; id: string } | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await searchCatalog(database.db, { q: "кино", type: "track", limit: 2, after });
      const hits = result.hits.slice(0, 2);
      seen.push(...hits.map((hit) => hit.id));
      const last = hits.at(-1);
      if (result.hits.length <= 2 || !last) break;
      after = { score: last.score, id: last.id };
    }
    expect(seen).toEqual(all.hits.map((hit) => hit.id));
  });
});
