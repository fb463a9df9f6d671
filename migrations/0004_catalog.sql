-- The catalog context: artists, albums, tracks and their renditions.
-- Admins may edit these tables by hand (psql); CDC turns every change to
-- catalog.tracks into TrackUpdated/TrackDeleted, so the constraints below are
-- the only guard such edits meet.

create table catalog.artists (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 300),
  -- The account that manages this artist profile (users context); no foreign
  -- key across contexts, they only share ids.
  user_id uuid unique,
  bio text,
  image_key text,                      -- object key in the media bucket
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table catalog.albums (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(btrim(title)) between 1 and 500),
  artist_id uuid not null references catalog.artists (id),
  kind text not null default 'album' check (kind in ('album', 'single', 'ep', 'compilation')),
  release_date date,
  cover_key text,                      -- object key of the cover image
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index albums_artist on catalog.albums (artist_id);

create table catalog.tracks (
  id uuid primary key default gen_random_uuid(),
  title text not null check (length(btrim(title)) between 1 and 500),
  artist_id uuid not null references catalog.artists (id),   -- the main artist
  album_id uuid references catalog.albums (id) on delete set null,
  position integer check (position > 0),                     -- track number on the album
  duration_ms integer not null check (duration_ms > 0),
  explicit boolean not null default false,
  genres text[] not null default '{}' check (array_position(genres, null) is null),
  language text check (language ~ '^[a-z]{2,3}$'),           -- ISO 639-1/-2 code; 'zxx' = no lyrics
  -- ISO 3901: country (2 letters), registrant (3 alphanumerics), year (2 digits),
  -- designation (5 digits); stored without hyphens. Not unique: one recording
  -- appears on several releases.
  isrc text check (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$'),
  status text not null default 'draft' check (status in ('draft', 'published', 'taken_down')),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Deferred so that reordering an album's tracks can swap positions in one transaction.
  constraint tracks_album_position unique (album_id, position) deferrable initially deferred,
  constraint tracks_position_needs_album check (position is null or album_id is not null)
);
create index tracks_artist on catalog.tracks (artist_id);
create index tracks_isrc on catalog.tracks (isrc) where isrc is not null;
create index tracks_status_published on catalog.tracks (published_at desc) where status = 'published';

-- Credited artists besides the main one, in display order ("A feat. B, C").
create table catalog.track_artists (
  track_id uuid not null references catalog.tracks (id) on delete cascade,
  artist_id uuid not null references catalog.artists (id),
  role text not null default 'featured' check (role in ('main', 'featured', 'remixer', 'producer')),
  position smallint not null check (position > 0),
  primary key (track_id, artist_id, role),
  unique (track_id, position)
);
create index track_artists_artist on catalog.track_artists (artist_id);

-- Transcoded files: free listeners get `standard`, subscribers `high`.
create table catalog.renditions (
  id uuid primary key default gen_random_uuid(),
  track_id uuid not null references catalog.tracks (id) on delete cascade,
  quality text not null check (quality in ('standard', 'high')),
  codec text not null check (codec in ('mp3', 'aac', 'opus', 'vorbis', 'flac')),
  bitrate_kbps integer not null check (bitrate_kbps between 8 and 2000),
  object_key text not null unique,
  size_bytes bigint not null check (size_bytes > 0),
  -- EBU R128 integrated loudness of the source, for playback normalisation.
  loudness_lufs numeric(5, 2) not null check (loudness_lufs between -70 and 10),
  created_at timestamptz not null default now(),
  unique (track_id, quality)
);

-- Hand-written UPDATEs rarely set updated_at; stamp it unless the writer did.
create function catalog.touch_updated_at() returns trigger language plpgsql as $$
begin
  if new.updated_at is not distinct from old.updated_at then
    new.updated_at := now();
  end if;
  return new;
end;
$$;
create trigger artists_touch before update on catalog.artists for each row execute function catalog.touch_updated_at();
create trigger albums_touch before update on catalog.albums for each row execute function catalog.touch_updated_at();
create trigger tracks_touch before update on catalog.tracks for each row execute function catalog.touch_updated_at();

-- Logical replication then carries the whole old row of an UPDATE or DELETE,
-- which CDC needs for the `before` image of TrackUpdated/TrackDeleted.
alter table catalog.artists replica identity full;
alter table catalog.albums replica identity full;
alter table catalog.tracks replica identity full;
alter table catalog.track_artists replica identity full;
alter table catalog.renditions replica identity full;
