-- Users context: likes and listening history. Target ids point into the
-- catalog but carry no foreign key across contexts (architecture.md).
create table users.likes (
  user_id uuid not null,
  target_kind text not null check (target_kind in ('track', 'album', 'artist')),
  target_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (user_id, target_kind, target_id)
);
-- GET /me/likes?kind= pages newest first; target_id breaks ties in the cursor.
create index likes_user_kind_created on users.likes (user_id, target_kind, created_at desc, target_id desc);
create index likes_user_created on users.likes (user_id, created_at desc, target_kind desc, target_id desc);

-- One row per play, written by the origin consumer of PlaybackStarted. The
-- play id is the key, so a redelivered event that slipped past the inbox
-- still adds nothing.
create table users.listening_history (
  play_id uuid primary key,
  user_id uuid not null,
  track_id uuid not null,
  quality text not null,
  device_id text not null,
  start_position_ms integer not null check (start_position_ms >= 0),
  started_at timestamptz not null,
  recorded_at timestamptz not null default now()
);
create index listening_history_user_started on users.listening_history (user_id, started_at desc, play_id desc);
