/**
 * The search port: one query over the search read model, whichever engine
 * holds it. PostgreSQL (search-query.ts, the embedded default) and OpenSearch
 * (opensearch/adapter.ts, the Elasticsearch 7.10 query DSL) answer the same
 * requests with the same hit shapes, ranked best first and paged by
 * (score, id) keyset, so the route and its cache do not know which one ran.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { searchCatalog, type SearchHits, type SearchRequest } from "./search-query.ts";
import { foldRomanisation } from "./sound.ts";

export interface SearchPort {
  readonly engine: "postgres" | "opensearch";
  /** Fetches `limit + 1` hits so the caller knows whether there is a next page. */
  search(request: SearchRequest): Promise<SearchHits>;
}

export function postgresSearch(db: Kysely<Database>): SearchPort {
  return { engine: "postgres", search: (request) => searchCatalog(db, { ...request, q: foldRomanisation(request.q) }) };
}
