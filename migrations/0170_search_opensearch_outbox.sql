-- Changes of the search read model waiting to reach OpenSearch (issue 16).
--
-- The PostgreSQL documents (search.tracks/albums/artists) stay the one place
-- where a catalog event becomes a document: the OpenSearch indexer ships
-- them, it does not rebuild them. Triggers note every changed document here,
-- in the transaction that changed it (the indexer's, with its inbox row, or
-- a reindex batch), so nothing is lost while OpenSearch is down: the pump
-- (origin/indexer/opensearch-sync.ts) ships what is noted and deletes a note
-- only if no newer change bumped its seq meanwhile.
--
-- Nothing is noted until an OpenSearch indexer has registered itself in
-- search.opensearch_sync, so a PostgreSQL-only deployment accumulates nothing.
create table search.opensearch_sync (
  name text primary key,
  registered_at timestamptz not null default now()
);

create sequence search.opensearch_pending_seq;

create table search.opensearch_pending (
  kind text not null check (kind in ('tracks', 'albums', 'artists')),
  id uuid not null,
  seq bigint not null default nextval('search.opensearch_pending_seq'),
  primary key (kind, id)
);
create index opensearch_pending_by_seq on search.opensearch_pending (seq);

create function search.note_opensearch_change() returns trigger
language plpgsql as $$
begin
  if exists (select 1 from search.opensearch_sync) then
    insert into search.opensearch_pending (kind, id)
    select tg_argv[0], changed.id from changed
    on conflict (kind, id) do update set seq = nextval('search.opensearch_pending_seq');
  end if;
  return null;
end
$$;

-- Transition tables allow one event per trigger: an insert and an update trigger per table.
create trigger tracks_opensearch_insert after insert on search.tracks
  referencing new table as changed for each statement execute function search.note_opensearch_change('tracks');
create trigger tracks_opensearch_update after update on search.tracks
  referencing new table as changed for each statement execute function search.note_opensearch_change('tracks');
create trigger albums_opensearch_insert after insert on search.albums
  referencing new table as changed for each statement execute function search.note_opensearch_change('albums');
create trigger albums_opensearch_update after update on search.albums
  referencing new table as changed for each statement execute function search.note_opensearch_change('albums');
create trigger artists_opensearch_insert after insert on search.artists
  referencing new table as changed for each statement execute function search.note_opensearch_change('artists');
create trigger artists_opensearch_update after update on search.artists
  referencing new table as changed for each statement execute function search.note_opensearch_change('artists');
