/** Node-only: a fresh test database holding the quality catalog, reindexed into the search read model. */
import { reindex } from "../../../origin/indexer/reindex.ts";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "../../../shared/testing/test-database.ts";
import { seedQualityCatalog, type QualityCatalog } from "./quality-catalog.ts";

export async function createIndexedQualityCatalog(
  kind: DatabaseKind,
  options: { batchSize?: number } = {},
): Promise<{ database: TestDatabase; catalog: QualityCatalog }> {
  const database = await createTestDatabase(kind);
  try {
    const catalog = await seedQualityCatalog(database.db);
    await reindex(database.db, options);
    return { database, catalog };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
