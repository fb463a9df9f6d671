/**
 * Matching imported entries against the catalog, one batch per SQL statement.
 *
 * Candidates come from the search read model (search.tracks, kept by the
 * search context's indexer) through the search context's own functions, so
 * the matcher sees names as search does: the Cyrillic↔Latin search form
 * (search.search_key), Russian stems, and typo corrections found by pg_trgm
 * trigram similarity over the vocabulary (search.to_query). A candidate has
 * the exact title, every word of title and artist, or an artist whose search
 * form is exactly the entry's — all indexed, so a common title does not drag
 * in thousands of rows.
 *
 * Candidates are scored by edit distance (fuzzystrmatch levenshtein) between
 * search forms, as a 0–1 ratio, after folding the spellings romanisations
 * disagree on:
 *
 *   score = 0.6 · ratio(title) + 0.4 · best ratio over (entry artist, track artist)
 *
 * Edit distance rather than trigram similarity: trigrams ignore word order
 * and shared words weigh a lot in short titles, so «Небо и весточка» would
 * "match" «Весточка и небо», and «Живая любовь» «Новая любовь».
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
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

/** Both parts must clear their bar: a near title by another artist, or another song by the artist, stays unmatched. */
export const matchThresholds = { title: 0.85, artist: 0.8 } as const;

const separator = "\u001f";

/**
 * Romanisations disagree most on ц (ts/c), щ (shch/sch), ё (yo/e): both
 * sides are folded alike, so "Serdce" meets «Сердце» (serdtse) and
 * "Vesyolyj" meets «Весёлый» (veselyy). A leading "the" of an artist is dropped.
 */
function fold(expression: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`replace(replace(replace(replace(${expression}, 'shch', 'sh'), 'sch', 'sh'), 'ts', 'c'), 'yo', 'e')`;
}

/** 1 − levenshtein / length of the longer, on at most 255 characters (levenshtein's limit). */
function ratio(a: RawBuilder<string>, b: RawBuilder<string>): RawBuilder<number> {
  return sql<number>`(1 - levenshtein(left(${a}, 255), left(${b}, 255))::real / greatest(length(left(${a}, 255)), length(left(${b}, 255)), 1))`;
}

const artistForm = (expression: RawBuilder<unknown>) => sql<string>`regexp_replace(${fold(expression)}, '^the ', '')`;

export async function matchEntries(db: Kysely<Database>, entries: readonly MatchInput[]): Promise<MatchResult[]> {
  if (entries.length === 0) return [];
  if (!db.isTransaction) return db.transaction().execute((trx) => matchEntries(trx, entries));
  const positions = entries.map((entry) => entry.position);
  const titles = entries.map((entry) => cleanTitle(entry.title));
  const artists = entries.map((entry) => artistNames(entry.artists).join(separator));
  const firstArtists = entries.map((entry) => artistNames(entry.artists)[0] ?? "");
  // A batch plans as costly enough for JIT compilation, which takes longer (~1.5 s) than the query runs.
  await sql`set local jit = off`.execute(db);
  const result = await sql<{ position: number; track_id: string | null; title_score: number | null; artist_score: number | null }>`
    with input as (
      select * from unnest(${positions}::int[], ${titles}::text[], ${artists}::text[], ${firstArtists}::text[]) as i(position, title, artists, first_artist)
    ), keyed as materialized (
      -- Materialised: the query function runs once per entry, not again for every row the index rechecks.
      select i.position, search.to_query(i.title || ' ' || i.first_artist, true) as words, search.search_key(i.title) as title_key,
        array(select k from unnest(string_to_array(i.artists, ${separator})) a, search.search_key(a) k where k <> '') as artist_keys
      from input i
    )
    select k.position, best.id as track_id, best.title_score, best.artist_score
    from keyed k
    left join lateral (
      select c.id, c.title_score, c.artist_score
      from (
        select t.id, t.popularity, ${ratio(fold(sql`t.title_latin`), fold(sql`k.title_key`))} as title_score,
          coalesce((select max(${ratio(artistForm(sql`search.search_key(n)`), artistForm(sql`ak`))})
                    from unnest(t.artist_names) n, unnest(k.artist_keys) ak), 0) as artist_score
        from (
          select s.id, s.popularity, s.title_latin, s.artist_names from search.tracks s where s.visible and s.title_latin = k.title_key
          union
          select s.id, s.popularity, s.title_latin, s.artist_names from search.tracks s where s.visible and s.tsv @@ k.words
          union
          select s.id, s.popularity, s.title_latin, s.artist_names from search.artists a join search.tracks s on s.artist_ids @> array[a.id] and s.visible
          where a.name_latin = any(k.artist_keys) and a.track_count > 0
        ) t
      ) c
      order by 0.6 * c.title_score + 0.4 * c.artist_score desc, c.popularity desc, c.id
      limit 1
    ) best on k.title_key <> ''
    order by k.position`.execute(db);
  return result.rows.map((row) => {
    const title = Number(row.title_score ?? 0);
    const artist = Number(row.artist_score ?? 0);
    const good = row.track_id !== null && title >= matchThresholds.title && artist >= matchThresholds.artist;
    return {
      position: row.position,
      trackId: good ? row.track_id : null,
      score: row.track_id === null ? null : Math.round((0.6 * title + 0.4 * artist) * 1000) / 1000,
    };
  });
}
