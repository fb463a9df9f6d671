-- Two things every curation feature needs, added together:
-- 1. the `editor` role (catalog staff who curate but cannot grant roles);
-- 2. the audit log: who did what to which entity, with the state before and
--    after. It is an append-only, cross-context ledger: each context appends its
--    entry in the same transaction as the change it records, so an action and
--    its audit entry commit together or not at all.
alter table auth.accounts drop constraint if exists accounts_roles_check;
alter table auth.accounts add constraint accounts_roles_check
  check (cardinality(roles) > 0 and roles <@ array['listener', 'artist', 'editor', 'admin']::text[]);

create schema if not exists audit;
create table audit.entries (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor_id uuid,                          -- auth account id; null for the CLI/system
  actor_roles text[] not null default '{}',
  action text not null check (action ~ '^[a-z][a-z0-9_.-]{0,79}$'),
  target_type text not null check (length(target_type) between 1 and 40),
  target_id text not null check (length(target_id) between 1 and 200),
  before jsonb,
  after jsonb,
  reason text check (reason is null or length(reason) <= 2000),
  request_id text
);
create index entries_at on audit.entries (at desc, id desc);
create index entries_actor on audit.entries (actor_id, at desc);
create index entries_target on audit.entries (target_type, target_id, at desc);
create index entries_action on audit.entries (action, at desc);
