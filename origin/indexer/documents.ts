/**
 * Building search documents from catalog rows: the one SQL shape shared by the
 * indexer (a row from an event) and `npm run reindex` (rows read from the
 * catalog in batches). Track fields come from the row; names of artists and
 * albums, and popularity, are looked up in the catalog when the document is
 * built, since events carry only their ids.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../../shared/db/database.ts";

/** The columns of search.tracks a document is built with, in the order trackDocuments selects them. */
export const trackDocumentColumns = sql.raw(`id, visible, source_updated_at, title, artist_id, artist_ids, artist_names, album_id, album_title, cover_key,
      position, duration_ms, explicit, genres, language, popularity, published_at, title_latin, names_latin, tsv, sound, indexed_at`);

/**
 * search.weighted_vector(input, weight) (as migrations/0023 last defined it)
 * with the search form of `input` given instead of recomputed: the same vector.
 */
const weightedVector = (input: RawBuilder<unknown>, key: RawBuilder<unknown>, weight: "A" | "B" | "C" | "D") =>
  sql`setweight(to_tsvector('russian', coalesce(${input}, '')) || to_tsvector('simple', coalesce(${key}, '')), ${sql.lit(weight)})`;

/**
 * The documents of the tracks `source` yields (rows shaped like
 * catalog.tracks, aliased `t`), as a SELECT of trackDocumentColumns.
 *
 * The search form (search.search_key) is the costliest part of a document
 * and a reindex builds a million of them, so each name's form is computed
 * once (lateral `key`, kept from being inlined by `offset 0`) and reused:
 * by the full-text vector, and joined into names_latin. search_key maps
 * character by character and turns every run of non-letters into one space,
 * so the form of `a b` is the forms of a and b joined by a space, empty forms
 * left out (documents.test.ts checks this against the SQL functions).
 */
export function trackDocuments(source: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select t.id, t.status = 'published', t.updated_at, t.title, t.artist_id, credits.ids, credits.names, t.album_id, al.title, al.cover_key,
      t.position, t.duration_ms, t.explicit, t.genres, t.language, coalesce(st.popularity, 0), t.published_at,
      coalesce(key.title, ''),
      key.names,
      ${weightedVector(sql`t.title`, sql`key.title`, "A")} || ${weightedVector(sql`credits.joined`, sql`key.artists`, "B")}
        || ${weightedVector(sql`al.title`, sql`key.album`, "C")} || ${weightedVector(sql`key.genres_text`, sql`key.genres`, "D")},
      to_tsvector('simple', search.sound(key.names)),
      now()
    from ${source} t
    left join catalog.albums al on al.id = t.album_id
    left join catalog.track_stats st on st.track_id = t.id
    cross join lateral (
      select array_agg(a.id order by c.ord) as ids, array_agg(a.name order by c.ord) as names, string_agg(a.name, ' ' order by c.ord) as joined
      from (
        select t.artist_id, 0 as ord
        union all
        select ta.artist_id, ta.position from catalog.track_artists ta
        where ta.track_id = t.id and ta.role in ('main', 'featured') and ta.artist_id <> t.artist_id
      ) c
      join catalog.artists a on a.id = c.artist_id
    ) credits
    cross join lateral (
      select forms.*, concat_ws(' ', nullif(forms.title, ''), nullif(forms.artists, ''), nullif(forms.album, '')) as names
      from (
        select search.search_key(t.title) as title, search.search_key(credits.joined) as artists, search.search_key(al.title) as album,
          array_to_string(t.genres, ' ') as genres_text, search.search_key(array_to_string(t.genres, ' ')) as genres
        offset 0
      ) forms
    ) key
    where credits.ids is not null`;
}

/**
 * Upserts the documents of the tracks `source` yields (rows shaped like
 * catalog.tracks, aliased `t`). A document changes only when the row is at
 * least as new as the one it was built from (`source_updated_at`), so a late
 * or replayed change never overwrites a newer one, and a deleted track's
 * tombstone ('infinity') stays unless `revive` says the row was inserted anew
 * (a CDC insert of a deleted id).
 * Returns the ids whose document changed.
 */
export async function upsertTrackDocuments(db: Kysely<Database>, source: RawBuilder<unknown>, options: { revive?: boolean } = {}): Promise<string[]> {
  const guard = options.revive
    ? sql`d.source_updated_at <= excluded.source_updated_at or d.source_updated_at = 'infinity'`
    : sql`d.source_updated_at <= excluded.source_updated_at`;
  const result = await sql<{ id: string }>`
    insert into search.tracks as d (${trackDocumentColumns})
    ${trackDocuments(source)}
    on conflict (id) do update set
      visible = excluded.visible, source_updated_at = excluded.source_updated_at, title = excluded.title,
      artist_id = excluded.artist_id, artist_ids = excluded.artist_ids, artist_names = excluded.artist_names,
      album_id = excluded.album_id, album_title = excluded.album_title, cover_key = excluded.cover_key,
      position = excluded.position, duration_ms = excluded.duration_ms, explicit = excluded.explicit,
      genres = excluded.genres, language = excluded.language, popularity = excluded.popularity,
      published_at = excluded.published_at, title_latin = excluded.title_latin, names_latin = excluded.names_latin,
      tsv = excluded.tsv, sound = excluded.sound, indexed_at = excluded.indexed_at
    where ${guard}
    returning d.id`.execute(db);
  return result.rows.map((row) => row.id);
}

/** A catalog.tracks-shaped row from a CDC row image (JSON, snake_case columns). */
export function rowFromImage(image: Record<string, unknown>): RawBuilder<unknown> {
  return sql`(select * from jsonb_populate_record(null::catalog.tracks, ${JSON.stringify(image)}::jsonb))`;
}

/**
 * Marks a track deleted: its document becomes an invisible tombstone that no
 * older change can overwrite (only a new insert of the same id revives it).
 */
export async function tombstoneTrack(db: Kysely<Database>, image: Record<string, unknown>): Promise<void> {
  await sql`
    insert into search.tracks as d (
      id, visible, source_updated_at, title, artist_id, artist_ids, artist_names, album_id, duration_ms, explicit, genres,
      title_latin, names_latin, tsv)
    select t.id, false, 'infinity', t.title, t.artist_id, array[t.artist_id], '{}', t.album_id, t.duration_ms, t.explicit, t.genres, '', '', ''
    from ${rowFromImage(image)} t
    on conflict (id) do update set visible = false, source_updated_at = 'infinity', indexed_at = now()`.execute(db);
}

/**
 * Recomputes the artist and album documents touched by a change: names from
 * the catalog, counts and popularity from the visible track documents.
 */
export async function refreshArtistsAndAlbums(db: Kysely<Database>, artistIds: readonly string[], albumIds: readonly string[]): Promise<void> {
  if (artistIds.length > 0) {
    await sql`
      insert into search.artists as s (id, name, image_key, track_count, popularity, name_latin, tsv, sound, indexed_at)
      select a.id, a.name, a.image_key, coalesce(agg.tracks, 0), coalesce(agg.popularity, 0),
        search.search_key(a.name), search.weighted_vector(a.name, 'A'), to_tsvector('simple', search.sound(search.search_key(a.name))), now()
      from catalog.artists a
      left join lateral (
        select count(*)::int as tracks, sum(d.popularity) as popularity from search.tracks d where d.visible and d.artist_ids @> array[a.id]
      ) agg on true
      where a.id = any(${sql.val(artistIds)}::uuid[])
      on conflict (id) do update set name = excluded.name, image_key = excluded.image_key, track_count = excluded.track_count,
        popularity = excluded.popularity, name_latin = excluded.name_latin, tsv = excluded.tsv, sound = excluded.sound, indexed_at = excluded.indexed_at`.execute(
      db,
    );
  }
  if (albumIds.length > 0) {
    await sql`
      insert into search.albums as s (id, title, artist_id, artist_name, kind, release_date, cover_key, track_count, popularity, title_latin, tsv, sound, indexed_at)
      select al.id, al.title, al.artist_id, ar.name, al.kind, al.release_date, al.cover_key, coalesce(agg.tracks, 0), coalesce(agg.popularity, 0),
        search.search_key(al.title), search.weighted_vector(al.title, 'A') || search.weighted_vector(ar.name, 'B'),
        to_tsvector('simple', search.sound(search.search_key(concat_ws(' ', al.title, ar.name)))), now()
      from catalog.albums al
      join catalog.artists ar on ar.id = al.artist_id
      left join lateral (
        select count(*)::int as tracks, sum(d.popularity) as popularity from search.tracks d where d.visible and d.album_id = al.id
      ) agg on true
      where al.id = any(${sql.val(albumIds)}::uuid[])
      on conflict (id) do update set title = excluded.title, artist_id = excluded.artist_id, artist_name = excluded.artist_name,
        kind = excluded.kind, release_date = excluded.release_date, cover_key = excluded.cover_key, track_count = excluded.track_count,
        popularity = excluded.popularity, title_latin = excluded.title_latin, tsv = excluded.tsv, sound = excluded.sound, indexed_at = excluded.indexed_at`.execute(
      db,
    );
  }
}

/** Adds the words of the given documents to the vocabulary typo correction looks in. */
export async function addTerms(db: Kysely<Database>, trackIds: readonly string[]): Promise<void> {
  if (trackIds.length === 0) return;
  await sql`
    insert into search.terms (term)
    select distinct word from search.tracks d, unnest(tsvector_to_array(to_tsvector('simple', d.names_latin))) as word
    where d.id = any(${sql.val(trackIds)}::uuid[]) and d.visible and word ~ '^[a-z0-9]+$'
    on conflict do nothing`.execute(db);
}
