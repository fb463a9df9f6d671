import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import { decodeCursor, encodeCursor } from "../../catalog/cursor.ts";
import { mediaUrl } from "../../catalog/media.ts";
import { problemContent } from "../../catalog/schemas.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import type { SearchEntities } from "../cache-tags.ts";
import { cachedPage, fingerprint } from "../cached-search.ts";
import type { SearchHits } from "../search-query.ts";
import { searchFor } from "../worker-search.ts";
import { OpenSearchError } from "../opensearch/client.ts";

const maxQueryLength = 200;

const querySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, "expected a search query")
    .max(maxQueryLength, `expected at most ${maxQueryLength} characters`)
    .refine((q) => /[\p{L}\p{N}]/u.test(q), "expected at least one letter or digit")
    .openapi({ description: "Words in any script: Cyrillic and Latin match each other; typos are forgiven.", example: "kino gruppa krovi" }),
  type: z.enum(["track", "album", "artist"], { error: "expected track, album or artist" }).default("track"),
  cursor: z.string().min(1).max(2000).optional().openapi({ description: "Opaque: the `next_cursor` of the previous page of the same query." }),
  limit: z.coerce
    .number({ error: "expected an integer from 1 to 50" })
    .int("expected an integer from 1 to 50")
    .min(1, "expected an integer from 1 to 50")
    .max(50, "expected an integer from 1 to 50")
    .default(20),
});

const positionSchema = z.object({ s: z.number().finite(), i: z.uuid(), f: z.string() }).strict();

const credit = z.object({ id: z.uuid(), name: z.string() });
const trackItem = z.object({
  id: z.uuid(),
  title: z.string(),
  artists: z.array(credit),
  album: credit.extend({ title: z.string() }).omit({ name: true }).nullable(),
  duration_ms: z.number().int(),
  explicit: z.boolean(),
  genres: z.array(z.string()),
  language: z.string().nullable(),
  cover_url: z.string().nullable(),
});
const albumItem = z.object({
  id: z.uuid(),
  title: z.string(),
  kind: z.string(),
  artist: credit,
  release_date: z.string().nullable(),
  cover_url: z.string().nullable(),
  track_count: z.number().int(),
});
const artistItem = z.object({ id: z.uuid(), name: z.string(), image_url: z.string().nullable(), track_count: z.number().int() });

const resultSchema = z
  .object({
    type: z.enum(["track", "album", "artist"]),
    items: z.array(z.union([trackItem, albumItem, artistItem])).openapi({ description: "Best match first: relevance, then popularity." }),
    next_cursor: z.string().nullable(),
  })
  .openapi("SearchResults");
type SearchBody = z.infer<typeof resultSchema>;

const route = createRoute({
  method: "get",
  path: "/search",
  tags: ["search"],
  summary: "Search tracks, albums or artists",
  description:
    "Full text in Russian and English, prefixes, typos (one or two letters off), Cyrillic↔Latin transliteration and mixed-script queries; ranked by relevance and popularity. Hot queries are cached and dropped as soon as the index changes.",
  request: { query: querySchema },
  responses: {
    200: { description: "One page of results", content: { "application/json": { schema: resultSchema } } },
    400: { description: "Empty or oversized q, unknown type, bad limit or cursor", content: problemContent },
    503: { description: "The search engine (OpenSearch) is unreachable", content: problemContent },
  },
});

function toBody(hits: SearchHits, mediaBaseUrl: string | undefined, limit: number, cursorFingerprint: string): SearchBody {
  const page = hits.hits.slice(0, limit);
  const last = page.at(-1);
  const next_cursor = hits.hits.length > limit && last ? encodeCursor({ s: last.score, i: last.id, f: cursorFingerprint }) : null;
  if (hits.type === "track") {
    const items = hits.hits.slice(0, limit).map((hit) => ({
      id: hit.id,
      title: hit.title,
      artists: hit.artist_ids.map((id, index) => ({ id, name: hit.artist_names[index] ?? "" })),
      album: hit.album_id && hit.album_title ? { id: hit.album_id, title: hit.album_title } : null,
      duration_ms: hit.duration_ms,
      explicit: hit.explicit,
      genres: hit.genres,
      language: hit.language,
      cover_url: mediaUrl(mediaBaseUrl, hit.cover_key),
    }));
    return { type: "track", items, next_cursor };
  }
  if (hits.type === "album") {
    const items = hits.hits.slice(0, limit).map((hit) => ({
      id: hit.id,
      title: hit.title,
      kind: hit.kind,
      artist: { id: hit.artist_id, name: hit.artist_name },
      release_date: hit.release_date,
      cover_url: mediaUrl(mediaBaseUrl, hit.cover_key),
      track_count: hit.track_count,
    }));
    return { type: "album", items, next_cursor };
  }
  const items = hits.hits
    .slice(0, limit)
    .map((hit) => ({ id: hit.id, name: hit.name, image_url: mediaUrl(mediaBaseUrl, hit.image_key), track_count: hit.track_count }));
  return { type: "artist", items, next_cursor };
}

/**
 * The documents a page shows, for the cache's tags: a change to any of them
 * drops the page. A track's artist and album names need no tags of their own:
 * renaming an artist or album rebuilds its tracks' documents, so their track
 * tags go (and artist counts changing with every track do not drop track pages).
 */
function entitiesOf(body: SearchBody): SearchEntities {
  const ids = body.items.map((item) => item.id);
  if (body.type === "track") return { tracks: ids, albums: [], artists: [] };
  if (body.type === "album") return { tracks: [], albums: ids, artists: [] };
  return { tracks: [], albums: [], artists: ids };
}

export function registerSearch(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function search(c) {
    const query = c.req.valid("query");
    const services = c.get("services");
    const cursorFingerprint = fingerprint(`${query.type}\u0000${query.q.toLowerCase().replace(/\s+/g, " ")}`);
    let after: { score: number; id: string } | undefined;
    if (query.cursor) {
      const position = decodeCursor(query.cursor, positionSchema);
      if (position.f !== cursorFingerprint)
        throw new AppError("BAD_REQUEST", "This cursor belongs to another query or type.", {
          errors: [{ field: "query.cursor", message: "cursor of another query" }],
        });
      after = { score: position.s, id: position.i };
    }
    const { value, cache } = await cachedPage(
      services.cache,
      { type: query.type, limit: query.limit, cursor: query.cursor, q: query.q },
      async () => {
        let hits: SearchHits;
        try {
          hits = await searchFor(services).search({ q: query.q, type: query.type, limit: query.limit, after });
        } catch (error) {
          // The search engine is down or too slow: a retryable 503, not a 500 (the catalog itself is fine).
          if (error instanceof OpenSearchError) {
            c.get("log").warn("search engine unavailable", { error: error.message });
            throw new AppError("SERVICE_UNAVAILABLE", "Search is unavailable for a moment; try again.");
          }
          throw error;
        }
        return toBody(hits, services.mediaBaseUrl, query.limit, cursorFingerprint);
      },
      (json) => resultSchema.parse(json),
      entitiesOf,
    );
    c.header("x-cache", cache);
    c.header("cache-control", "public, max-age=10");
    return c.json(value, 200);
  });
}
