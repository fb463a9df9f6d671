-- Typos that trigrams cannot see: two letters off in a short word shares
-- almost no trigram with the right one («utikai» vs «utekay»: 2 of 12).
-- Edit distance finds them; it has no index, so it is asked only among known
-- words with the same first letter and a close length (a range of the C-collated
-- primary key), at most 1 edit for words up to five letters, else 2.
create extension if not exists fuzzystrmatch;

create or replace function search.to_query(q text, fuzzy boolean) returns tsquery
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
        (select t.term from search.terms t where t.term % key order by similarity(t.term, key) desc, t.term limit 3)
        union
        (select t.term from search.terms t
          where t.term >= left(key, 1) and t.term < left(key, 1) || '~'
            and abs(length(t.term) - length(key)) <= 2
            and levenshtein_less_equal(t.term, key, 2) <= case when length(key) <= 5 then 1 else 2 end
          order by levenshtein_less_equal(t.term, key, 2), t.term limit 3)
      loop
        alternatives := alternatives || quote_literal(correction)::tsquery;
      end loop;
    end if;
    result := case when result is null then alternatives else result && alternatives end;
  end loop;
  return result;
end;
$$;
