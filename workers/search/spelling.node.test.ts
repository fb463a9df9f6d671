import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reindex } from "../../origin/indexer/reindex.ts";
import { createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createTestEngine, searchEngineCases, type TestEngine } from "./testing/engines.ts";
import { seedSpellingCatalog, spellingQueries, type SpellingKind } from "./testing/spelling-catalog.ts";

/**
 * Spellings people type (issue 16): the hit rate in the top 5, per kind, on
 * each engine. Printed for docs/search-opensearch.md; the floors below are
 * what each engine reached when they were set, so a change that makes
 * search worse at this fails.
 */
const floors: Record<"postgres" | "opensearch", number> = { postgres: 0.97, opensearch: 0.95 };

describe.each(searchEngineCases().filter(([kind, engine]) => engine === "opensearch" || kind === "postgres" || !process.env.DATABASE_URL))(
  "spellings people type on %s, %s search",
  (kind, engineName) => {
    let database: TestDatabase;
    let engine: TestEngine;
    beforeAll(async () => {
      database = await createTestDatabase(kind);
      await seedSpellingCatalog(database.db);
      await reindex(database.db);
      engine = await createTestEngine(engineName, database.db);
    }, 120_000);
    afterAll(async () => {
      await engine?.drop();
      await database?.drop();
    });

    it("finds the expected work or artist in the top 5", async () => {
      const byKind = new Map<SpellingKind, { hits: number; total: number }>();
      const misses: string[] = [];
      for (const [type, q, expected] of spellingQueries) {
        const result = await engine.port.search({ q, type, limit: 5 });
        const names =
          result.type === "artist"
            ? result.hits.map((hit) => hit.name)
            : result.type === "album"
              ? result.hits.map((hit) => hit.title)
              : result.hits.map((hit) => hit.title);
        const hit = names.slice(0, 5).includes(expected);
        const counts = byKind.get(type) ?? { hits: 0, total: 0 };
        byKind.set(type, { hits: counts.hits + (hit ? 1 : 0), total: counts.total + 1 });
        if (!hit) misses.push(`${type} «${q}» → ${expected} (got ${names.join(" | ") || "nothing"})`);
      }
      const hits = [...byKind.values()].reduce((sum, counts) => sum + counts.hits, 0);
      const rate = hits / spellingQueries.length;
      const lines = [...byKind.entries()].map(
        ([type, counts]) => `${type}: ${counts.hits}/${counts.total} (${((100 * counts.hits) / counts.total).toFixed(1)}%)`,
      );
      console.log(
        `spellings on ${engineName}: ${lines.join(", ")}; overall ${hits}/${spellingQueries.length} (${(100 * rate).toFixed(1)}%)\n  misses:\n  ${misses.join("\n  ")}`,
      );
      expect(rate).toBeGreaterThanOrEqual(floors[engineName]);
    }, 120_000);
  },
);
