-- The ingestion context: artists' uploads and what validation found in them.
-- One row is one upload's state machine; origin workers claim rows by state
-- with a lease, so a crashed worker's upload is taken up again once its lease
-- runs out, and a stale worker can no longer move it (the final update checks
-- the lease owner).
--
--   awaiting_upload --complete--> uploaded --validator--> validated --transcoder--> published
--          |                         |                       |
--          +-----(expired)-----------+--------(any refusal)--+--> rejected
create table ingestion.uploads (
  id uuid primary key,
  -- Reserved at creation: the catalog stores the track under this id.
  track_id uuid not null unique,
  user_id uuid not null,                 -- the uploading account (auth id)
  artist_id uuid not null,               -- its artist profile in the catalog (ids only, no FK across contexts)
  title text not null check (length(btrim(title)) between 1 and 500),
  album_id uuid,
  position integer check (position > 0),
  explicit boolean not null default false,
  genres text[] not null default '{}',
  language text,
  isrc text check (isrc ~ '^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$'),
  featured_artist_ids uuid[] not null default '{}',
  declared_content_type text not null,
  declared_size_bytes bigint not null check (declared_size_bytes between 1 and 524288000),
  filename text,
  -- Where the artist's bytes go: the edge's R2 bucket or an S3 bucket.
  storage text not null check (storage in ('r2', 's3')),
  source_key text not null unique,
  multipart_upload_id text,
  state text not null default 'awaiting_upload'
    check (state in ('awaiting_upload', 'uploaded', 'validated', 'published', 'rejected')),
  url_expires_at timestamptz not null,
  -- Work queue: attempts so far in the current state, and who holds it until when.
  attempts integer not null default 0,
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  -- The validation report.
  size_bytes bigint,
  detected_format text,
  duration_ms integer,
  probe jsonb,
  -- The transcoder's output.
  loudness_lufs numeric(5, 2),
  cover_key text,
  renditions jsonb,
  rejection_code text,
  rejection_message text,
  -- Stable CloudEvent ids: a retried producer writes the same event, never a second one.
  published_event_id uuid not null default gen_random_uuid(),
  rejected_event_id uuid not null default gen_random_uuid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  uploaded_at timestamptz,
  validated_at timestamptz,
  published_at timestamptz,
  rejected_at timestamptz,
  constraint uploads_rejection_reason check ((state = 'rejected') = (rejection_code is not null and rejection_message is not null))
);
create index uploads_work on ingestion.uploads (state, updated_at) where state in ('uploaded', 'validated');
create index uploads_expiring on ingestion.uploads (url_expires_at) where state = 'awaiting_upload';
create index uploads_user on ingestion.uploads (user_id, created_at desc);
