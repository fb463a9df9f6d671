-- One-time password tokens: the first admin's password-set link (npm run
-- admin:create) today, password reset by email later. Only the SHA-256 of a
-- token is stored; a token is spent by a conditional update, so it works once.
create table auth.password_tokens (
  hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
  account_id uuid not null references auth.accounts (id) on delete cascade,
  purpose text not null check (purpose in ('set', 'reset')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_tokens_account on auth.password_tokens (account_id);
