-- Recommendations (issue 12): album and artist likes become signals too. The recs
-- consumer writes one row per track the like covers (an album's published tracks,
-- an artist's most popular ones), weighted from shared/recs/signals.ts.
-- NOT VALID: every row already passed the narrower check, and scanning a large
-- recs.interactions under this migration's ACCESS EXCLUSIVE lock would stop the recs
-- consumer's inserts meanwhile; 0173 validates under a lock that lets them through.
alter table recs.interactions drop constraint interactions_signal_check;
alter table recs.interactions add constraint interactions_signal_check check (signal in (
  'play', 'complete', 'skip', 'like', 'unlike', 'playlist_add', 'wave_like', 'wave_dislike', 'wave_skip',
  'album_like', 'album_unlike', 'artist_like', 'artist_unlike'
)) not valid;
