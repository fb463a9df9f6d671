-- Curation of artists and albums (issue 13).
-- An artist merged into another keeps its row (old links still resolve, by a
-- redirect to the surviving profile); its tracks, albums and managers move.
alter table catalog.artists
  add column merged_into uuid references catalog.artists (id),
  add constraint artists_not_merged_into_itself check (merged_into is null or merged_into <> id);
create index artists_merged_into on catalog.artists (merged_into) where merged_into is not null;

-- An album taken down takes its published tracks down with it; restoring the
-- album restores exactly those, not tracks taken down one by one for their own reasons.
alter table catalog.albums
  add column status text not null default 'published' check (status in ('published', 'taken_down'));
alter table catalog.tracks
  add column taken_down_with_album boolean not null default false;
