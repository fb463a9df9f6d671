-- Subsonic getSongsByGenre, getRandomSongs?genre= and getAlbumList2?type=byGenre
-- look tracks up with `genres @> array[$1]`, and similar-songs/artists with
-- `genres && $1`. Without an index each is a sequential scan of catalog.tracks.
-- Not partial: those queries filter `status = $n` as a bind parameter, which a
-- generic plan cannot prove matches a partial index's predicate.
-- getGenres (counts per genre) still reads every published track: an aggregate
-- over unnest(genres) is not something a GIN index answers.
create index if not exists tracks_genres on catalog.tracks using gin (genres);
