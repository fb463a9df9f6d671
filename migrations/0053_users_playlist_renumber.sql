-- A key made between two ever-closer neighbours grows by about one character
-- per five inserts into that same gap. Past 200 characters the playlist is
-- renumbered (all keys rewritten short, in order, in one statement: rare, and
-- the only write that touches more than one entry). The unique constraint is
-- deferrable so that statement may pass through transient duplicates.
alter table users.playlist_tracks drop constraint playlist_tracks_position_check;
alter table users.playlist_tracks add constraint playlist_tracks_position_check check (length(position) between 2 and 1024);
alter table users.playlist_tracks drop constraint playlist_tracks_playlist_id_position_key;
alter table users.playlist_tracks add constraint playlist_tracks_playlist_id_position_key unique (playlist_id, position) deferrable initially immediate;
