-- Spellings no transliteration table reconciles (issue 16): a loose "sound"
-- skeleton of every word of the search form, for names spelt by ear in the
-- other script or by another romanisation (Битлз/Beatles, Tchaikovsky/
-- Chaykovskiy, Квин/Queen). The same rules as workers/search/sound.ts (the
-- OpenSearch side computes them in TypeScript when shipping and querying);
-- workers/search/sound.node.test.ts checks the two agree.
create function search.sound(search_form text) returns text
language sql immutable strict parallel safe as $$
  select btrim(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      search_form,
      'dzh', 'y', 'g'),
      'tsch|tch', 'ch', 'g'),
      'shch|sch', 'sh', 'g'),
      'ch(?=[bcdfgjklmnpqrstvwxz0-9])', 'h', 'g'),
      'ch', '4', 'g'),
      'qu', 'kv', 'g'),
      'sh|zh|ts|tz', 's', 'g'),
      'ph', 'f', 'g'),
      'th', 'z', 'g'),
      'ck|q', 'k', 'g'),
      'x', 'ks', 'g'),
      '(?<![a-z0-9])w', '', 'g'),
      'w', 'v', 'g'),
      'ge(?![a-z0-9])', 's', 'g'),
      'c(?=[eiy])', 's', 'g'),
      'c', 'k', 'g'),
      'z', 's', 'g'),
      '[aeiouyh]', '', 'g'),
      '([a-z])\1+', '\1', 'g'),
      'f(?![a-z0-9])', 'v', 'g'),
    ' +', ' ', 'g'))
$$;

-- The skeletons of a document's names (title, artists, album), as words.
alter table search.tracks add column sound tsvector not null default ''::tsvector;
alter table search.albums add column sound tsvector not null default ''::tsvector;
alter table search.artists add column sound tsvector not null default ''::tsvector;
update search.tracks set sound = to_tsvector('simple', search.sound(names_latin)) where visible;
update search.albums set sound = to_tsvector('simple', search.sound(search.search_key(concat_ws(' ', title, artist_name))));
update search.artists set sound = to_tsvector('simple', search.sound(name_latin));
create index tracks_sound on search.tracks using gin (sound) where visible;
create index albums_sound on search.albums using gin (sound) where track_count > 0;
create index artists_sound on search.artists using gin (sound) where track_count > 0;
