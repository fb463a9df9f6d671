-- Auth owns credentials and sign-in identities. Roles and is_premium are auth's
-- copy of the claims it signs; the users context changes is_premium through
-- the UserUpdated event (origin/auth-claims), never by writing here.
create table auth.accounts (
  id uuid primary key default gen_random_uuid(),
  -- Stored trimmed and lower-cased by the domain; the index below makes
  -- uniqueness case-insensitive even for rows written by hand.
  email text not null check (position('@' in email) > 1 and length(email) <= 254),
  -- Null for accounts that only sign in through an OAuth provider.
  password_hash text,
  roles text[] not null default array['listener']::text[]
    check (cardinality(roles) > 0 and roles <@ array['listener', 'artist', 'admin']::text[]),
  is_premium boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index accounts_email_unique on auth.accounts (lower(email));

-- One row per external sign-in (Google, VK ID, Yandex ID, ...): the provider's
-- stable subject identifies the person, the email only links on first sign-in.
create table auth.identities (
  provider text not null,
  subject text not null,
  account_id uuid not null references auth.accounts (id) on delete cascade,
  email text,
  email_verified boolean not null default false,
  created_at timestamptz not null default now(),
  last_sign_in_at timestamptz not null default now(),
  primary key (provider, subject)
);
create index identities_account on auth.identities (account_id);
