-- Prefixes through the vocabulary. A tsquery prefix ('noch':*) makes GIN
-- collect the postings of every matching word into one bitmap before it can
-- intersect anything: ~60 ms for a four-word query on a million tracks. The
-- same words listed as exact alternatives, found by a range scan of
-- search.terms, let GIN intersect posting lists as it reads them (~6 ms).
-- Only the last word is a prefix (the one being typed), expanded to fewer
-- words the shorter it is; earlier words match exactly, by stem, or through
-- corrections.
--
-- One stem vector is enough: the Russian configuration stems Cyrillic words
-- with the Russian Snowball stemmer and Latin ones with the English one
-- (its asciiword mapping is english_stem), so the English configuration's
-- vector only repeated it (and kept Cyrillic words whole, which the Latin
-- search form already does). Documents built from now on are smaller;
-- `npm run reindex` rewrites the older ones.
create or replace function search.weighted_vector(input text, weight "char") returns tsvector
language sql immutable parallel safe as $$
  select setweight(
    to_tsvector('russian', coalesce(input, '')) || to_tsvector('simple', coalesce(search.search_key(input), '')),
    weight)
$$;

create or replace function search.to_query(q text, fuzzy boolean) returns tsquery
language plpgsql stable parallel safe
set pg_trgm.similarity_threshold = 0.25 as $$
declare
  words text[] := array_remove(regexp_split_to_array(lower(q), '[[:space:][:punct:]«»„“”‘’…–—]+'), '');
  word text;
  key text;
  is_last boolean;
  alternatives tsquery;
  result tsquery;
  term text;
begin
  for position in 1 .. coalesce(array_length(words, 1), 0) loop
    word := words[position];
    key := regexp_replace(search.latin(word), '[^a-z0-9]+', '', 'g');
    continue when key = '';
    is_last := position = array_length(words, 1);
    alternatives := quote_literal(key)::tsquery || plainto_tsquery('russian', word);
    if is_last then
      for term in
        select t.term from search.terms t where t.term > key and t.term < key || '~'
        order by length(t.term), t.term limit case when length(key) <= 2 then 6 when length(key) = 3 then 12 else 20 end
      loop
        alternatives := alternatives || quote_literal(term)::tsquery;
      end loop;
    end if;
    if fuzzy and length(key) >= 4
       and not exists (select 1 from search.terms t where t.term >= key and t.term < case when is_last then key || '~' else key || chr(1) end) then
      for term in
        (select t.term from search.terms t where t.term % key order by similarity(t.term, key) desc, t.term limit 3)
        union
        (select t.term from search.terms t
          where t.term >= left(key, 1) and t.term < left(key, 1) || '~'
            and abs(length(t.term) - length(key)) <= 2
            and levenshtein_less_equal(t.term, key, 2) <= case when length(key) <= 5 then 1 else 2 end
          order by levenshtein_less_equal(t.term, key, 2), t.term limit 3)
      loop
        alternatives := alternatives || quote_literal(term)::tsquery;
      end loop;
    end if;
    result := case when result is null then alternatives else result && alternatives end;
  end loop;
  return result;
end;
$$;
