-- Releases managed by artists (issue 13): an album, EP or single is a
-- catalog.albums row (`kind` is its type) with its own genres; the tracks'
-- `position` is the track order. Artists create and edit them through
-- /me/releases; uploads name a release and a position.
alter table catalog.albums
  add column genres text[] not null default '{}'
    check (array_position(genres, null) is null and cardinality(genres) <= 10);

-- GET /me/releases: an artist's releases, newest first.
create index albums_artist_created on catalog.albums (artist_id, created_at desc, id desc);

-- An upload on its way to a release holds its position: a second upload (or
-- POST /tracks while the first transcodes) is refused that position.
create index uploads_release_position on ingestion.uploads (album_id, position)
  where album_id is not null and state <> 'rejected';
