import type { Kysely } from "kysely";
import { openSearchAuth, parseConfig, searchEdgeConfigSchema } from "../../shared/config.ts";
import type { Database } from "../../shared/db/database.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { openSearchSearch } from "./opensearch/adapter.ts";
import { createOpenSearchClient } from "./opensearch/client.ts";
import { postgresSearch, type SearchPort } from "./search-port.ts";

/**
 * The edge's search engine from its vars: OpenSearch over `fetch` when
 * SEARCH_ENGINE=opensearch, else undefined (the route then searches the
 * request's database). Throws ConfigError when misconfigured.
 */
export function createWorkerSearch(env: WorkerBindings): SearchPort | undefined {
  const config = parseConfig(searchEdgeConfigSchema, {
    SEARCH_ENGINE: env.SEARCH_ENGINE,
    OPENSEARCH_URL: env.OPENSEARCH_URL,
    OPENSEARCH_INDEX_PREFIX: env.OPENSEARCH_INDEX_PREFIX,
    OPENSEARCH_TIMEOUT_MS: env.OPENSEARCH_TIMEOUT_MS,
    OPENSEARCH_USERNAME: env.OPENSEARCH_USERNAME,
    OPENSEARCH_PASSWORD: env.OPENSEARCH_PASSWORD,
    OPENSEARCH_API_KEY: env.OPENSEARCH_API_KEY,
  });
  if (config.SEARCH_ENGINE !== "opensearch" || !config.OPENSEARCH_URL) return undefined;
  return openSearchSearch(createOpenSearchClient({ url: config.OPENSEARCH_URL, timeoutMs: config.OPENSEARCH_TIMEOUT_MS, auth: openSearchAuth(config) }), {
    prefix: config.OPENSEARCH_INDEX_PREFIX,
  });
}

/** The engine a request uses: the configured one, else PostgreSQL on the request's database. */
export function searchFor(services: { search?: SearchPort | undefined; db: Kysely<Database> }): SearchPort {
  return services.search ?? postgresSearch(services.db);
}
