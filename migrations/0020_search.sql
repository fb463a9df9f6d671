-- The search read model (CQRS read side), written only by the indexer
-- (origin/indexer) and `npm run reindex`; the catalog stays the source of truth.
--
-- Matching works on three forms of every name:
--   * full text in Russian and English (stems: «группы» finds «Группа»);
--   * a Latin "search form" (search.latin): Cyrillic transliterated, accents
--     and case folded, so `kino` meets «Кино» and «земфира» meets "Zemfira",
--     whatever script the name or the query is written in;
--   * trigrams of the search form's words (search.terms) for typos.
create extension if not exists pg_trgm;

-- Cyrillic → Latin by a fixed table (close to the common passport/BGN style
-- people type: ж zh, ч ch, ш sh, щ shch, ю yu, я ya, ц ts), then folds
-- that make the usual spelling variants meet: ё = е, й = y, х/kh = h, j = y.
-- Both documents and queries pass through it, so only its consistency
-- matters, not which romanisation is "right". In SQL rather than in
-- TypeScript so that a reindex is one set-based statement per batch and the
-- query side cannot drift from the document side.
create function search.latin(input text) returns text
language sql immutable strict parallel safe as $$
  select replace(replace(translate(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
      lower(input),
      'щ', 'shch'), 'ж', 'zh'), 'ч', 'ch'), 'ш', 'sh'), 'ю', 'yu'), 'я', 'ya'), 'ц', 'ts'), 'х', 'kh'), 'ї', 'yi'), 'є', 'ye'),
    'абвгдеёзийклмнопрстуфыэіґўàáâãäåçèéêëìíîïñòóôõöùúûüýÿъь',
    'abvgdeeziyklmnoprstufyeiguaaaaaaceeeeiiiinooooouuuuyy'),
    'kh', 'h'), 'j', 'y')
$$;

-- The search form of a text: search.latin with every run of anything but a
-- letter or digit made one space. Exact-title checks and trigram similarity
-- compare these.
create function search.search_key(input text) returns text
language sql immutable strict parallel safe as $$
  select btrim(regexp_replace(search.latin(input), '[^a-z0-9]+', ' ', 'g'))
$$;

-- The full-text vector of one field at one weight (A title … D genres): the
-- Russian and English stems of the original words (the Russian configuration
-- stems Cyrillic words; the English one Latin words, and keeps Cyrillic words
-- whole), plus the words of the search form as they are, for prefix,
-- transliterated and mixed-script matches.
create function search.weighted_vector(input text, weight "char") returns tsvector
language sql immutable parallel safe as $$
  select setweight(
    to_tsvector('russian', coalesce(input, '')) || to_tsvector('english', coalesce(input, ''))
      || to_tsvector('simple', coalesce(search.search_key(input), '')),
    weight)
$$;

-- One document per track ever indexed. `visible` is false for tracks that are
-- not published (draft, taken down) or deleted; such rows stay as tombstones
-- so that a late or replayed change cannot bring a deleted track back.
create table search.tracks (
  id uuid primary key,
  visible boolean not null,
  -- The catalog row's updated_at this document was built from: changes older
  -- than it are ignored. 'infinity' once the track was deleted.
  source_updated_at timestamptz not null,
  title text not null,
  artist_id uuid not null,
  -- Main artist first, then the credited ones in display order.
  artist_ids uuid[] not null,
  artist_names text[] not null,
  album_id uuid,
  album_title text,
  cover_key text,
  position integer,
  duration_ms integer not null,
  explicit boolean not null,
  genres text[] not null,
  language text,
  popularity double precision not null default 0,
  published_at timestamptz,
  title_latin text not null,
  -- search.latin of title, artists and album: what trigram and prefix matching see.
  names_latin text not null,
  tsv tsvector not null,
  indexed_at timestamptz not null default now()
);
create index tracks_tsv on search.tracks using gin (tsv) where visible;
create index tracks_title_latin on search.tracks (title_latin) where visible;
create index tracks_popularity on search.tracks (popularity desc, id) where visible;
create index tracks_artist_ids on search.tracks using gin (artist_ids) where visible;
create index tracks_album on search.tracks (album_id) where visible;

-- Artists and albums that have at least one visible track, for type=artist|album.
create table search.artists (
  id uuid primary key,
  name text not null,
  image_key text,
  track_count integer not null,
  popularity double precision not null,
  name_latin text not null,
  tsv tsvector not null,
  indexed_at timestamptz not null default now()
);
create index artists_tsv on search.artists using gin (tsv) where track_count > 0;
create index artists_name_latin on search.artists (name_latin) where track_count > 0;
create index artists_popularity on search.artists (popularity desc, id) where track_count > 0;

create table search.albums (
  id uuid primary key,
  title text not null,
  artist_id uuid not null,
  artist_name text not null,
  kind text not null,
  release_date date,
  cover_key text,
  track_count integer not null,
  popularity double precision not null,
  title_latin text not null,
  tsv tsvector not null,
  indexed_at timestamptz not null default now()
);
create index albums_tsv on search.albums using gin (tsv) where track_count > 0;
create index albums_title_latin on search.albums (title_latin) where track_count > 0;
create index albums_popularity on search.albums (popularity desc, id) where track_count > 0;

-- The vocabulary: every word (search form) that occurs in a document. Typo
-- tolerance looks words up here by trigram similarity and searches the
-- documents for the words found, so trigram work scales with the vocabulary,
-- not with the number of tracks. Words of removed documents may linger; they
-- only cost a wasted alternative in a query until the next reindex.
create table search.terms (
  -- C collation: a prefix is then a range of the primary key.
  term text collate "C" primary key check (term ~ '^[a-z0-9]+$')
);
create index terms_trgm on search.terms using gin (term gin_trgm_ops);

-- A query as a tsquery: every word must match (AND); a word matches as a
-- prefix of a search-form word, or by its Russian or English stem. With
-- `fuzzy`, a word of four or more letters that is neither a known word nor the
-- start of one also matches the (at most three) most similar known words:
-- correctly spelled queries stay precise and only typos pay for the trigram
-- lookup. Null when the query has no words.
create function search.to_query(q text, fuzzy boolean) returns tsquery
language plpgsql stable parallel safe
set pg_trgm.similarity_threshold = 0.25 as $$
declare
  word text;
  key text;
  alternatives tsquery;
  result tsquery;
  correction text;
begin
  foreach word in array regexp_split_to_array(lower(q), '[[:space:][:punct:]«»„“”‘’…–—]+') loop
    key := regexp_replace(search.latin(word), '[^a-z0-9]+', '', 'g');
    continue when key = '';
    alternatives := (quote_literal(key) || ':*')::tsquery || plainto_tsquery('russian', word) || plainto_tsquery('english', word);
    if fuzzy and length(key) >= 4
       and not exists (select 1 from search.terms t where t.term >= key and t.term < key || '~') then
      for correction in
        select t.term from search.terms t where t.term % key order by similarity(t.term, key) desc, t.term limit 3
      loop
        alternatives := alternatives || quote_literal(correction)::tsquery;
      end loop;
    end if;
    result := case when result is null then alternatives else result && alternatives end;
  end loop;
  return result;
end;
$$;
