-- Popularity of tracks, read by GET /artists/{id} (top tracks) and copied into
-- search documents for ranking. Kept apart from catalog.tracks so that counting
-- plays (fed later from PlaybackStarted) neither rewrites track rows nor
-- floods the CDC topic with TrackUpdated events.
create table catalog.track_stats (
  track_id uuid primary key references catalog.tracks (id) on delete cascade,
  plays bigint not null default 0 check (plays >= 0),
  -- A decayed score (recent plays weigh more); ranking uses it, not raw plays.
  popularity double precision not null default 0 check (popularity >= 0),
  updated_at timestamptz not null default now()
);
