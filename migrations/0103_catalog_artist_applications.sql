-- Artist onboarding: a listener applies to become an artist; an admin approves
-- (creating or linking the catalog.artists profile, adding the manager link and
-- granting the `artist` role) or rejects with a reason. The catalog owns artist
-- profiles, so the applications live here. One open application per account.
create table catalog.artist_applications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,                  -- the applicant (auth account id)
  artist_name text not null check (length(btrim(artist_name)) between 1 and 200),
  links text[] not null default '{}' check (cardinality(links) <= 5),
  claim_artist_id uuid references catalog.artists (id),
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected')),
  reason text check (reason is null or length(reason) <= 2000),
  artist_id uuid references catalog.artists (id),   -- the profile approval created or linked
  decided_by uuid,
  decided_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'pending') = (decided_at is null))
);
create unique index artist_applications_one_open on catalog.artist_applications (user_id) where status = 'pending';
create index artist_applications_by_status on catalog.artist_applications (status, created_at desc, id desc);
create index artist_applications_by_user on catalog.artist_applications (user_id, created_at desc);
