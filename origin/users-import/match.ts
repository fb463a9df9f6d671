/**
 * Matching imported entries against the catalog, one batch per SQL statement.
 * Candidates come from the search read model (search.tracks, kept by the
 * search context's indexer) through its own query function, so the matcher
 * sees names exactly as search does: Russian and English full text, the
 * Cyrillic↔Latin search form and typo corrections. Each candidate is scored
 * by pg_trgm similarity of the search forms:
 *
 *   score = 0.6 · similarity(title) + 0.4 · best similarity over (entry artist, track artist)
 *
 * and the best one counts only when both parts and the total clear the
 * thresholds below, so "Queen — Don't Stop Me Now" does not become another
 * Queen song and an exact title by a different artist is not taken.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { artistNames, cleanTitle } from "./normalise.ts";

export interface MatchInput {
  position: number;
  artists: string[];
  title: string;
}

export interface MatchResult {
  position: number;
  trackId: string | null;
  /** 0–1, of the best candidate (also when it was not good enough); null when there was none. */
  score: number | null;
}

export const matchThresholds = { title: 0.5, artist: 0.45, total: 0.65 } as const;

/** Candidates per entry scored in full: the narrow query (title and artist words) plus the most popular title matches. */
const titleOnlyCandidates = 30;

const separator = "\u001f";

export async function matchEntries(db: Kysely<Database>, entries: readonly MatchInput[]): Promise<MatchResult[]> {
  if (entries.length === 0) return [];
  const positions = entries.map((entry) => entry.position);
  const titles = entries.map((entry) => cleanTitle(entry.title));
  const artists = entries.map((entry) => artistNames(entry.artists).join(separator));
  const firstArtists = entries.map((entry) => artistNames(entry.artists)[0] ?? "");
  const result = await sql<{ position: number; track_id: string | null; score: number | null; title_score: number | null; artist_score: number | null }>`
    with input as (
      select * from unnest(${positions}::int[], ${titles}::text[], ${artists}::text[], ${firstArtists}::text[]) as i(position, title, artists, first_artist)
    ), keyed as (
      select i.position, i.title, i.first_artist, search.search_key(i.title) as title_key,
        array(select k from unnest(string_to_array(i.artists, ${separator})) a, search.search_key(a) k where k <> '') as artist_keys
      from input i
    )
    select k.position, best.id as track_id, best.score, best.title_score, best.artist_score
    from keyed k
    left join lateral (
      select c.id, c.title_score, c.artist_score, 0.6 * c.title_score + 0.4 * c.artist_score as score
      from (
        select t.id, t.popularity, similarity(t.title_latin, k.title_key) as title_score,
          coalesce((select max(similarity(search.search_key(n), ak)) from unnest(t.artist_names) n, unnest(k.artist_keys) ak), 0) as artist_score
        from (
          select s.id from search.tracks s where s.visible and s.title_latin = k.title_key
          union
          select s.id from search.tracks s where s.visible and s.tsv @@ search.to_query(k.title || ' ' || k.first_artist, true)
          union
          (select s.id from search.tracks s where s.visible and s.tsv @@ search.to_query(k.title, true)
            order by s.popularity desc limit ${titleOnlyCandidates})
        ) ids
        join search.tracks t on t.id = ids.id
      ) c
      order by score desc, c.popularity desc, c.id
      limit 1
    ) best on k.title_key <> ''
    order by k.position`.execute(db);
  return result.rows.map((row) => {
    const good =
      row.track_id !== null &&
      Number(row.title_score) >= matchThresholds.title &&
      Number(row.artist_score) >= matchThresholds.artist &&
      Number(row.score) >= matchThresholds.total;
    return {
      position: row.position,
      trackId: good ? row.track_id : null,
      score: row.score === null ? null : Math.round(Number(row.score) * 1000) / 1000,
    };
  });
}
