import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { searchKey } from "./latin.ts";

// The query side (TypeScript, at the edge) must produce what the document side (SQL) produced.
describe("searchKey agrees with search.search_key", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database?.drop();
  });

  it.each([
    "Группа крови",
    "Щедрик — Шостакович, Чайковский!",
    "Алла Пугачёва",
    "Мумий Тролль: Владивосток 2000",
    "Björk Motörhead Beyoncé",
    "Хочешь? Жёлтый Цой Юрий Ясная",
    "Їжак Єва ґанок ўсё",
    "Rammstein Khaled jazz",
    "  ?!  ",
    "東京 Tokyo",
  ])("%s", async (input) => {
    const row = (await sql<{ key: string }>`select search.search_key(${input}) as key`.execute(database.db)).rows[0];
    expect(searchKey(input)).toBe(row?.key);
  });
});
