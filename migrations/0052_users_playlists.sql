-- Users context: playlists. Track order is a fractional index (`position`):
-- moving a track rewrites that one row with a key between its new neighbours,
-- never the rest of the list. Keys are compared byte-wise, hence collate "C".
--
-- Every change to a playlist or its tracks bumps `version` with a
-- compare-and-set (`... where version = $if_match`), which also row-locks the
-- playlist: concurrent writers serialise on it, a stale If-Match matches no
-- row (412), and `track_count` (checked ≤ 10,000) cannot be overrun by
-- concurrent adds.
create table users.playlists (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 200),
  description text check (description is null or length(description) <= 2000),
  visibility text not null default 'private' check (visibility in ('private', 'public')),
  track_count integer not null default 0 check (track_count between 0 and 10000),
  version bigint not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index playlists_owner_created on users.playlists (owner_id, created_at desc, id desc);

create table users.playlist_tracks (
  -- One entry of a track in a playlist: the same track may be added twice.
  entry_id uuid primary key default gen_random_uuid(),
  playlist_id uuid not null references users.playlists (id) on delete cascade,
  track_id uuid not null,
  position text collate "C" not null check (length(position) between 2 and 200),
  added_by uuid not null,
  added_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (playlist_id, position)
);

-- Invited editors (collaborative playlists): they may change tracks, name and description.
create table users.playlist_editors (
  playlist_id uuid not null references users.playlists (id) on delete cascade,
  user_id uuid not null,
  invited_at timestamptz not null default now(),
  primary key (playlist_id, user_id)
);
create index playlist_editors_user on users.playlist_editors (user_id);

create table users.playlist_followers (
  playlist_id uuid not null references users.playlists (id) on delete cascade,
  user_id uuid not null,
  followed_at timestamptz not null default now(),
  primary key (playlist_id, user_id)
);
create index playlist_followers_user on users.playlist_followers (user_id);
