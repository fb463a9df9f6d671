-- What an artist sees of a track, per UTC day (the studio's plots): plays
-- started, plays listened to (the rule popularity counts: 30 s or the whole
-- track, at most three a listener a day), distinct listeners among those,
-- and finished plays with how many reached the end (the completion rate).
-- Kept for good, unlike track_daily_plays (a week, for the cap).
create table catalog.track_daily_stats (
  track_id uuid not null,
  day date not null,
  starts integer not null default 0 check (starts >= 0),
  plays integer not null default 0 check (plays >= 0),
  listeners integer not null default 0 check (listeners >= 0),
  finishes integer not null default 0 check (finishes >= 0),
  completed integer not null default 0 check (completed >= 0 and completed <= finishes),
  primary key (track_id, day)
);
