-- Plays counted for popularity per listener, track and UTC day: a listener adds at most a few plays
-- of one track a day to its popularity, however often the track is restarted (issue 17, item 7).
create table catalog.track_daily_plays (
  track_id uuid not null,
  user_id uuid not null,
  day date not null,
  plays integer not null,
  primary key (track_id, user_id, day)
);
-- The track-stats service drops days older than a week.
create index track_daily_plays_day on catalog.track_daily_plays (day);
