import { env } from "cloudflare:test";
import { z } from "zod";
import { afterAll, describe } from "vitest";
import { readDocuments, writeDocuments, ensureIndices } from "../../origin/indexer/opensearch-sync.ts";
import { createGatewayApp } from "../gateway/app.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { openSearchSearch } from "./opensearch/adapter.ts";
import { createOpenSearchClient } from "./opensearch/client.ts";
import { aliasName, indexKinds } from "./opensearch/indices.ts";
import { searchContract } from "./testing/search-contract.ts";

/**
 * The same GET /search contract with OpenSearch answering (the adapter over
 * `fetch`, inside workerd). Runs when the test Worker has OPENSEARCH_URL
 * among its bindings (vitest.config.ts passes the environment's, see
 * docs/search-opensearch.md); the seeded documents are shipped to an index
 * prefix of this run.
 */
const url = env.OPENSEARCH_URL;
describe.runIf(url)("GET /search in workerd on OpenSearch", () => {
  const client = createOpenSearchClient({ url: url ?? "", timeoutMs: 20_000 });
  const prefix = `test-${crypto.randomUUID().slice(0, 8)}`;
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db, search: openSearchSearch(client, { prefix }) }, release: () => db.destroy() };
    },
  });
  searchContract({
    get: async (path) => app.request(`https://tunec.test${path}`, {}, env),
    async afterSeed() {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      try {
        await ensureIndices(client, prefix);
        // The whole shared test read model: small, and the tag in every seeded name keeps other suites' rows out of the results.
        for (const kind of indexKinds) {
          let afterId: string | null = null;
          for (;;) {
            const documents = await readDocuments(db, kind, { afterId, limit: 1000 });
            if (documents.length === 0) break;
            await writeDocuments(client, aliasName(prefix, kind), documents, { refresh: true });
            afterId = documents.at(-1)?.id ?? null;
          }
        }
      } finally {
        await db.destroy();
      }
    },
  });
  afterAll(async () => {
    await client.request("DELETE", `/${prefix}-*`, z.unknown(), { allow: [404] });
  });
});
