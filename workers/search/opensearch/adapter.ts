/**
 * The OpenSearch adapter of the search port, on the query DSL Elasticsearch
 * 7.10 and OpenSearch share: one function_score query per page over the
 * alias of the requested kind, paged with search_after on (score, id).
 *
 * Relevance mirrors the PostgreSQL query: the original words (stemmed), the
 * Latin search form (transliteration both ways, mixed scripts), its prefixes,
 * fuzzy matches of it (typos), a bonus for the exact title, and a saturating
 * popularity bonus that orders equally relevant hits but cannot outrank a
 * better match.
 */
import { z } from "zod";
import { searchKey } from "../latin.ts";
import { foldRomanisation, soundKey } from "../sound.ts";
import type { SearchPort } from "../search-port.ts";
import type { AlbumHit, ArtistHit, SearchHits, SearchRequest, SearchType, TrackHit } from "../search-query.ts";
import type { OpenSearchClient } from "./client.ts";
import { aliasName, type IndexKind } from "./indices.ts";

const kindOf: Record<SearchType, IndexKind> = { track: "tracks", album: "albums", artist: "artists" };

const hitSchema = <T extends z.ZodType>(source: T) =>
  z.object({
    hits: z.object({ hits: z.array(z.object({ _id: z.string(), _score: z.number().nullable(), sort: z.tuple([z.number(), z.string()]), _source: source })) }),
  });

const trackSource = z.object({
  id: z.string(),
  title: z.string(),
  artist_ids: z.array(z.string()),
  artist_names: z.array(z.string()),
  album_id: z.string().nullable(),
  album_title: z.string().nullable(),
  cover_key: z.string().nullable(),
  duration_ms: z.number().int(),
  explicit: z.boolean(),
  genres: z.array(z.string()),
  language: z.string().nullable(),
});
const albumSource = z.object({
  id: z.string(),
  title: z.string(),
  artist_id: z.string(),
  artist_name: z.string(),
  kind: z.string(),
  release_date: z.string().nullable(),
  cover_key: z.string().nullable(),
  track_count: z.number().int(),
});
const artistSource = z.object({ id: z.string(), name: z.string(), image_key: z.string().nullable(), track_count: z.number().int() });

/** The query body of one page; exported for the benchmark and for explaining rankings. */
export function searchBody(request: SearchRequest): Record<string, unknown> {
  const q = foldRomanisation(request.q);
  const key = searchKey(q);
  const sound = soundKey(key);
  const should: unknown[] = [{ multi_match: { query: q, fields: ["title^2", "title.en^2", "names", "names.en"], operator: "and", boost: 2 } }];
  // A query without Latin or Cyrillic letters has an empty search form: it must not match every such name.
  if (key !== "") {
    should.push(
      { match: { names_latin: { query: key, operator: "and", boost: 3 } } },
      { match: { title_latin: { query: key, operator: "and", boost: 2 } } },
      { match: { "names_latin.prefix": { query: key, operator: "and", boost: 1 } } },
      { match: { "title_latin.prefix": { query: key, operator: "and", boost: 1 } } },
      { match: { names_latin: { query: key, operator: "and", fuzziness: "AUTO", prefix_length: 1, max_expansions: 20, boost: 1 } } },
      { match: { title_latin: { query: key, operator: "and", fuzziness: "AUTO", prefix_length: 1, max_expansions: 20, boost: 1 } } },
      { term: { "title_latin.raw": { value: key, boost: 6 } } },
    );
  }
  if (sound !== "") {
    should.push({ match: { names_sound: { query: sound, operator: "and", boost: 1 } } });
  }
  const filter = request.type === "track" ? [{ term: { visible: true } }] : [{ range: { track_count: { gt: 0 } } }];
  return {
    size: request.limit + 1,
    track_total_hits: false,
    query: {
      function_score: {
        query: { bool: { filter, should, minimum_should_match: 1 } },
        functions: [
          {
            script_score: {
              script: { source: "double p = Math.log(1 + doc['popularity'].value); return 3 * p / (p + 10);", lang: "painless" },
            },
          },
        ],
        boost_mode: "sum",
      },
    },
    sort: [{ _score: "desc" }, { id: "desc" }],
    ...(request.after ? { search_after: [request.after.score, request.after.id] } : {}),
  };
}

export function openSearchSearch(client: OpenSearchClient, options: { prefix: string }): SearchPort {
  return {
    engine: "opensearch",
    async search(request: SearchRequest): Promise<SearchHits> {
      const path = `/${aliasName(options.prefix, kindOf[request.type])}/_search`;
      const body = searchBody(request);
      if (request.type === "track") {
        const { body: answer } = await client.request("POST", path, hitSchema(trackSource), { body });
        const hits: TrackHit[] = answer.hits.hits.map((hit) => ({ ...hit._source, score: hit.sort[0] }));
        return { type: "track", hits };
      }
      if (request.type === "album") {
        const { body: answer } = await client.request("POST", path, hitSchema(albumSource), { body });
        const hits: AlbumHit[] = answer.hits.hits.map((hit) => ({ ...hit._source, score: hit.sort[0] }));
        return { type: "album", hits };
      }
      const { body: answer } = await client.request("POST", path, hitSchema(artistSource), { body });
      const hits: ArtistHit[] = answer.hits.hits.map((hit) => ({ ...hit._source, score: hit.sort[0] }));
      return { type: "artist", hits };
    },
  };
}
