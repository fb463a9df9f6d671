-- Email ownership (issue 17, item 2). An account's address is "verified" once
-- its owner has followed a link sent to it (or a provider vouched for it at an
-- OAuth sign-in). Only verified accounts are ever linked to an OAuth identity
-- by email; a squatter who registered someone else's address first loses the
-- account's password and sessions when the real owner signs in with a provider.
alter table auth.accounts
  add column email_verified_at timestamptz,
  -- A requested new address, waiting for its owner to follow the link sent to it.
  add column pending_email text check (pending_email is null or (position('@' in pending_email) > 1 and length(pending_email) <= 254));

-- Accounts made by an OAuth sign-in already had their address vouched for by
-- the provider; accounts linked to a verified identity with the same address too.
update auth.accounts a set email_verified_at = a.created_at
where exists (
  select 1 from auth.identities i
  where i.account_id = a.id and i.email_verified and lower(i.email) = lower(a.email)
);

-- One table of one-time tokens for every emailed or printed link: set and
-- reset a password, verify the address, confirm a new address. `email` is the
-- address a verify/change link proves; a link for an address the account no
-- longer has (or no longer wants) proves nothing.
alter table auth.password_tokens rename to account_tokens;
alter index auth.password_tokens_account rename to account_tokens_account;
alter index auth.password_tokens_pkey rename to account_tokens_pkey;
alter table auth.account_tokens drop constraint password_tokens_purpose_check;
alter table auth.account_tokens
  add constraint account_tokens_purpose_check check (purpose in ('set', 'reset', 'verify-email', 'change-email')),
  add column email text;
