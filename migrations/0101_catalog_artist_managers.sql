-- Who manages an artist profile. One account may manage several profiles (a
-- label does) and a profile may have several managers, so the one-to-one
-- `catalog.artists.user_id` gives way to this table; the column stays for the
-- rows already there (backfilled below) and is no longer read.
create table catalog.artist_managers (
  artist_id uuid not null references catalog.artists (id) on delete cascade,
  user_id uuid not null,                 -- auth account id (no FK across contexts)
  added_by uuid,                         -- the admin who linked it; null = approval/CLI
  added_at timestamptz not null default now(),
  primary key (artist_id, user_id)
);
create index artist_managers_user on catalog.artist_managers (user_id);
insert into catalog.artist_managers (artist_id, user_id)
  select id, user_id from catalog.artists where user_id is not null
  on conflict do nothing;
