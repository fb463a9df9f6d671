-- A Subsonic device's current play and its stream lease moved to the edge
-- (workers/subsonic/now-playing.ts: the isolate and the location's Cache API),
-- beside the play itself in the listener's Session Durable Object: `stream`,
-- called per play and per Range request, writes no database row any more.
drop table if exists subsonic.now_playing;
