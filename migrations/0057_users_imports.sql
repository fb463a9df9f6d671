-- Users context: importing favourites from Yandex Music and VK. A job is
-- created by POST /me/imports (edge) and worked by the users-import origin
-- service in batches: first the provider's entries are read into
-- import_entries (total known), then each batch is matched against the
-- search read model and the matches are liked (users.likes, on conflict do
-- nothing, so a re-import adds nothing) in one transaction with the counters.
create table users.imports (
  id uuid primary key,
  user_id uuid not null,
  provider text not null check (provider in ('yandex', 'vk')),
  source_kind text not null check (source_kind in ('link', 'file')),
  -- What identifies the source for re-imports: the canonical link, or
  -- sha256:<hex> of an uploaded file.
  source_ref text not null check (length(source_ref) between 1 and 2048),
  -- The uploaded export file (text), until the entries are read from it.
  source_file text,
  file_name text,
  status text not null default 'queued' check (status in ('queued', 'reading', 'matching', 'completed', 'failed')),
  total integer check (total >= 0),
  processed integer not null default 0 check (processed >= 0),
  matched integer not null default 0 check (matched >= 0),
  unmatched integer not null default 0 check (unmatched >= 0),
  -- Matches that were not liked before this job: 0 on a re-import.
  added integer not null default 0 check (added >= 0),
  error_code text,
  error_message text,
  attempts integer not null default 0,
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
-- One unfinished job per user and source: POST again returns it.
create unique index imports_one_active_per_source on users.imports (user_id, provider, source_ref)
  where status in ('queued', 'reading', 'matching');
create index imports_user_created on users.imports (user_id, created_at desc, id desc);
create index imports_work on users.imports (updated_at) where status in ('queued', 'reading', 'matching');

create table users.import_entries (
  import_id uuid not null references users.imports (id) on delete cascade,
  -- Order in the source playlist or file, from 0.
  position integer not null check (position >= 0),
  artist text not null,
  title text not null,
  -- The provider's own id of the track, when it has one (shown in the report).
  external_id text,
  status text not null default 'pending' check (status in ('pending', 'matched', 'unmatched')),
  track_id uuid,
  score real,
  -- Whether this entry's match was newly liked by this job.
  added boolean not null default false,
  primary key (import_id, position)
);
create index import_entries_pending on users.import_entries (import_id, position) where status = 'pending';
