/**
 * Node-only: the search engines a suite runs against. PostgreSQL always;
 * OpenSearch when OPENSEARCH_URL is set (CI sets it: `.ci/run` starts the
 * node), each test run in its own index prefix, dropped afterwards.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { reindexOpenSearch } from "../../../origin/indexer/opensearch-reindex.ts";
import type { Database } from "../../../shared/db/database.ts";
import { databaseKinds, type DatabaseKind } from "../../../shared/testing/test-database.ts";
import { openSearchSearch } from "../opensearch/adapter.ts";
import { createOpenSearchClient, type OpenSearchClient } from "../opensearch/client.ts";
import { postgresSearch, type SearchPort } from "../search-port.ts";

export type EngineName = "postgres" | "opensearch";

export const testOpenSearchUrl = process.env.OPENSEARCH_URL;

/** [database kind, engine] pairs: every kind on PostgreSQL search, and OpenSearch over one kind (the real server when there is one). */
export function searchEngineCases(): Array<[DatabaseKind, EngineName]> {
  const kinds = databaseKinds();
  const cases: Array<[DatabaseKind, EngineName]> = kinds.map((kind) => [kind, "postgres"]);
  if (testOpenSearchUrl) cases.push([kinds.includes("postgres") ? "postgres" : "pglite", "opensearch"]);
  if (process.env.CI === "true" && !testOpenSearchUrl) throw new Error("CI=true but OPENSEARCH_URL is not set: the OpenSearch suites must run in CI");
  return cases;
}

export function testOpenSearchClient(): OpenSearchClient {
  if (!testOpenSearchUrl) throw new Error("OPENSEARCH_URL is required");
  return createOpenSearchClient({ url: testOpenSearchUrl, timeoutMs: 30_000 });
}

export interface TestEngine {
  port: SearchPort;
  /** OpenSearch only: the index prefix of this run. */
  prefix?: string;
  /** Brings the engine up to date with the PostgreSQL read model (a no-op for PostgreSQL). */
  sync(): Promise<void>;
  drop(): Promise<void>;
}

/** The engine over a database whose read model is built; OpenSearch gets a fresh copy of it. */
export async function createTestEngine(engine: EngineName, db: Kysely<Database>): Promise<TestEngine> {
  if (engine === "postgres") return { port: postgresSearch(db), sync: async () => undefined, drop: async () => undefined };
  const client = testOpenSearchClient();
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}`;
  await reindexOpenSearch(db, client, { prefix });
  return {
    port: openSearchSearch(client, { prefix }),
    prefix,
    sync: async () => {
      await reindexOpenSearch(db, client, { prefix });
    },
    drop: () => dropTestIndices(client, prefix),
  };
}

export async function dropTestIndices(client: OpenSearchClient, prefix: string): Promise<void> {
  await client.request("DELETE", `/${prefix}-*`, z.unknown(), { allow: [404] });
}
