/**
 * The search query over the read model (migrations/0020_search.sql), one SQL
 * statement per page. Used by GET /search and by `npm run bench:search`.
 *
 * Candidates: documents matching the exact query (every word as a prefix of a
 * search-form word, or by its Russian/English stem), plus those matching only
 * through typo corrections, plus exact title/name matches; each branch capped
 * at the most popular `candidateCap`, so a one-letter or very common word costs
 * a bounded index walk instead of ranking half the catalog. Candidates are
 * Candidates also come from the sound skeletons (search.sound, migrations/0171: names spelt
 * by ear, Битлз/Beatles), with a small bonus that ranks them below real matches.
 * They are then ranked by relevance (full-text rank of exact and corrected matches,
 * trigram similarity of the search forms) plus a saturating popularity bonus.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";

export type SearchType = "track" | "album" | "artist";

/** Keyset position: the score and id of the last item of the previous page. */
export interface SearchAfter {
  score: number;
  id: string;
}

export interface SearchRequest {
  q: string;
  type: SearchType;
  limit: number;
  after?: SearchAfter | undefined;
}

export interface TrackHit {
  id: string;
  title: string;
  artist_ids: string[];
  artist_names: string[];
  album_id: string | null;
  album_title: string | null;
  cover_key: string | null;
  duration_ms: number;
  explicit: boolean;
  genres: string[];
  language: string | null;
  score: number;
}

export interface AlbumHit {
  id: string;
  title: string;
  artist_id: string;
  artist_name: string;
  kind: string;
  release_date: string | null;
  cover_key: string | null;
  track_count: number;
  score: number;
}

export interface ArtistHit {
  id: string;
  name: string;
  image_key: string | null;
  track_count: number;
  score: number;
}

export type SearchHits = { type: "track"; hits: TrackHit[] } | { type: "album"; hits: AlbumHit[] } | { type: "artist"; hits: ArtistHit[] };

const candidateCap = 200;

// Saturates towards 0.3: popularity orders equally relevant hits, it cannot outrank a better match.
const popularityBonus = (column: string) => sql.raw(`0.3 * ln(1 + ${column}) / (ln(1 + ${column}) + 10)`);

/**
 * The sound-skeleton query (migrations/0171), written out in the branch rather than
 * read from the query CTE: as an expression of the parameter alone it is folded to a
 * constant at planning, so the planner sees how common the skeletons are and picks
 * the GIN index for rare ones (through the CTE it walked the popularity index over
 * the whole table for a skeleton that matches nothing).
 */
const soundQuery = (q: string) => sql`plainto_tsquery('simple', search.sound(search.search_key(${q})))`;

/** Fetches `limit + 1` hits so the caller knows whether there is a next page. */
export async function searchCatalog(db: Kysely<Database>, request: SearchRequest): Promise<SearchHits> {
  const afterScore = request.after?.score ?? null;
  const afterId = request.after?.id ?? null;
  const take = request.limit + 1;
  if (request.type === "track") {
    const result = await sql<TrackHit>`
      with query as (
        select search.to_query(${request.q}, false) as exact, search.to_query(${request.q}, true) as fuzzy, search.search_key(${request.q}) as key,
        plainto_tsquery('simple', search.sound(search.search_key(${request.q}))) as sound
      ),
      candidates as (
        -- Matches gathered first (offset 0 keeps the planner from walking the popularity index
        -- and testing every row: fatal when few of a million match), then the most popular kept.
        (select m.id from (select d.id, d.popularity from search.tracks d, query where d.visible and d.tsv @@ query.exact offset 0) m
          order by m.popularity desc, m.id limit ${candidateCap})
        union
        -- The fuzzy test as an uncorrelated subquery: a one-time filter. Joined with the CTE it was
        -- checked per row, and a query without corrections walked the whole popularity index.
        (select m.id from (select d.id, d.popularity from search.tracks d, query
            where d.visible and (select q.fuzzy is distinct from q.exact from query q) and d.tsv @@ query.fuzzy offset 0) m
          order by m.popularity desc, m.id limit ${candidateCap})
        union
        (select d.id from search.tracks d, query where d.visible and query.key <> '' and d.title_latin = query.key limit ${candidateCap})
        union
        (select d.id from search.tracks d where d.visible and d.sound @@ ${soundQuery(request.q)} order by d.popularity desc, d.id limit ${candidateCap})
      ),
      scored as (
        select d.*, (
            3 * ts_rank(d.tsv, query.exact, 1) + ts_rank(d.tsv, query.fuzzy, 1)
            + case when d.title_latin = query.key then 2 else 0 end
            + similarity(d.title_latin, query.key) + 0.5 * word_similarity(query.key, d.names_latin)
            + case when d.sound @@ query.sound then 0.2 else 0 end
            + ${popularityBonus("d.popularity")}
          )::float8 as score
        from candidates c join search.tracks d on d.id = c.id, query
      )
      select id, title, artist_ids, artist_names, album_id, album_title, cover_key, duration_ms, explicit, genres, language, score
      from scored
      where ${afterScore}::float8 is null or (score, id) < (${afterScore}::float8, ${afterId}::uuid)
      order by score desc, id desc
      limit ${take}`.execute(db);
    return { type: "track", hits: result.rows };
  }
  if (request.type === "album") {
    const result = await sql<AlbumHit>`
      with query as (
        select search.to_query(${request.q}, false) as exact, search.to_query(${request.q}, true) as fuzzy, search.search_key(${request.q}) as key,
        plainto_tsquery('simple', search.sound(search.search_key(${request.q}))) as sound
      ),
      candidates as (
        (select d.id from search.albums d, query where d.track_count > 0 and d.tsv @@ query.fuzzy order by d.popularity desc, d.id limit ${candidateCap})
        union
        (select d.id from search.albums d, query where d.track_count > 0 and query.key <> '' and d.title_latin = query.key limit ${candidateCap})
        union
        (select d.id from search.albums d where d.track_count > 0 and d.sound @@ ${soundQuery(request.q)} order by d.popularity desc, d.id limit ${candidateCap})
      ),
      scored as (
        select d.*, (
            3 * ts_rank(d.tsv, query.exact, 1) + ts_rank(d.tsv, query.fuzzy, 1)
            + case when d.title_latin = query.key then 2 else 0 end + similarity(d.title_latin, query.key)
            + case when d.sound @@ query.sound then 0.2 else 0 end
            + ${popularityBonus("d.popularity")}
          )::float8 as score
        from candidates c join search.albums d on d.id = c.id, query
      )
      select id, title, artist_id, artist_name, kind, to_char(release_date, 'YYYY-MM-DD') as release_date, cover_key, track_count, score
      from scored
      where ${afterScore}::float8 is null or (score, id) < (${afterScore}::float8, ${afterId}::uuid)
      order by score desc, id desc
      limit ${take}`.execute(db);
    return { type: "album", hits: result.rows };
  }
  const result = await sql<ArtistHit>`
    with query as (
      select search.to_query(${request.q}, false) as exact, search.to_query(${request.q}, true) as fuzzy, search.search_key(${request.q}) as key,
        plainto_tsquery('simple', search.sound(search.search_key(${request.q}))) as sound
    ),
    candidates as (
      (select d.id from search.artists d, query where d.track_count > 0 and d.tsv @@ query.fuzzy order by d.popularity desc, d.id limit ${candidateCap})
      union
      (select d.id from search.artists d, query where d.track_count > 0 and query.key <> '' and d.name_latin = query.key limit ${candidateCap})
      union
      (select d.id from search.artists d where d.track_count > 0 and d.sound @@ ${soundQuery(request.q)} order by d.popularity desc, d.id limit ${candidateCap})
    ),
    scored as (
      select d.*, (
          3 * ts_rank(d.tsv, query.exact, 1) + ts_rank(d.tsv, query.fuzzy, 1)
          + case when d.name_latin = query.key then 2 else 0 end + similarity(d.name_latin, query.key)
          + case when d.sound @@ query.sound then 0.2 else 0 end
          + ${popularityBonus("d.popularity")}
        )::float8 as score
      from candidates c join search.artists d on d.id = c.id, query
    )
    select id, name, image_key, track_count, score
    from scored
    where ${afterScore}::float8 is null or (score, id) < (${afterScore}::float8, ${afterId}::uuid)
    order by score desc, id desc
    limit ${take}`.execute(db);
  return { type: "artist", hits: result.rows };
}
