-- Stop words ("the", "in", «и», «в») no longer have to match when the query
-- has other words: their posting lists cover much of the catalog, and making
-- GIN intersect them cost up to 40 ms on a million tracks while deciding
-- almost nothing. Ranking still sees them (similarity of the search forms).
-- The last word is always kept: it may be the start of a longer word.
create or replace function search.to_query(q text, fuzzy boolean) returns tsquery
language plpgsql stable parallel safe
set pg_trgm.similarity_threshold = 0.25 as $$
declare
  words text[] := array_remove(regexp_split_to_array(lower(q), '[[:space:][:punct:]«»„“”‘’…–—]+'), '');
  word text;
  key text;
  is_last boolean;
  alternatives tsquery;
  stem tsquery;
  result tsquery;
  stopwords tsquery;
  term text;
begin
  for position in 1 .. coalesce(array_length(words, 1), 0) loop
    word := words[position];
    key := regexp_replace(search.latin(word), '[^a-z0-9]+', '', 'g');
    continue when key = '';
    is_last := position = array_length(words, 1);
    stem := plainto_tsquery('russian', word);
    alternatives := quote_literal(key)::tsquery || stem;
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
    if numnode(stem) = 0 and not is_last then
      stopwords := case when stopwords is null then alternatives else stopwords && alternatives end;
    else
      result := case when result is null then alternatives else result && alternatives end;
    end if;
  end loop;
  -- A query of stop words only ("The The", «Я и ты») must still match them.
  return coalesce(result, stopwords);
end;
$$;
