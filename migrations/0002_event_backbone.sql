-- Transactional outbox: a service writes its state and the event that
-- announces it in one transaction; the CDC service moves rows to the log.
create table events.outbox (
  seq bigint generated always as identity primary key,
  id uuid not null unique,            -- the CloudEvent id
  topic text not null,
  key text not null,                  -- partition key: per-entity order
  type text not null,                 -- CloudEvent type, e.g. tunec.catalog.track.published.v1
  event jsonb not null,               -- the whole CloudEvent envelope
  created_at timestamptz not null default now(),
  -- Set by the trigger-mode relay (embedded PGlite); WAL-mode CDC reads inserts
  -- from the replication stream and leaves it null.
  relayed_at timestamptz
);
create index outbox_unrelayed on events.outbox (seq) where relayed_at is null;

-- Consumer inbox: the handled event id commits with the consumer's effects,
-- so a redelivered event changes nothing.
create table events.inbox (
  consumer text not null,
  event_id text not null,
  handled_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
