-- What the admin console reads (issue 13): the backbone's health as the origin
-- measures it, dead letters kept where the edge can see and replay them,
-- refunds an admin asked for, and indexes for the admin listings.

-- Consumer lag as each consumer group last measured it (origin/events/consumer/lag.ts):
-- the edge cannot ask Kafka, so every running group writes its lag here on its
-- lag timer; a group that stopped keeps its last row, and measured_at says how old it is.
create table events.consumer_lag (
  group_id text not null,
  topic text not null,
  partition integer not null check (partition >= 0),
  committed_offset bigint not null,
  end_offset bigint not null,
  lag bigint not null,
  measured_at timestamptz not null,
  primary key (group_id, topic, partition)
);

-- Dead letters copied from the `<topic>.dlq` topics by the origin's dead-letters
-- service, one row per dead-letter record (the dlq position is its identity, so
-- a redelivered record is not copied twice). key/value/headers are the parked
-- record as it was; replay republishes value to original_topic with the same
-- event id, so consumer groups that had handled it already skip it (inbox).
create table events.dead_letters (
  id bigint generated always as identity primary key,
  dlq_topic text not null,
  dlq_partition integer not null,
  dlq_offset bigint not null,
  original_topic text not null,
  original_partition integer,
  original_offset bigint,
  consumer_group text,
  reason text,
  error_message text,
  attempts integer,
  event_id text,
  event_type text,
  key text not null,
  value text not null,
  headers jsonb not null default '{}',
  failed_at timestamptz,
  received_at timestamptz not null default now(),
  -- Set by an admin (POST /admin/dead-letters/{id}/replay); the origin publishes and sets replayed_at.
  replay_requested_at timestamptz,
  replay_requested_by uuid,
  replayed_at timestamptz,
  unique (dlq_topic, dlq_partition, dlq_offset),
  constraint dead_letters_replay_order check (replayed_at is null or replay_requested_at is not null)
);
create index dead_letters_topic on events.dead_letters (original_topic, id desc);
create index dead_letters_replay_due on events.dead_letters (id) where replay_requested_at is not null and replayed_at is null;

-- Refunds asked for by an admin (POST /admin/payments/{id}/refund) rather than
-- by the saga's compensation: who asked and why. The saga's refund loop sends
-- both kinds the same way.
alter table billing.refunds
  add column requested_by uuid,
  add column reason text check (reason is null or length(reason) <= 2000);

-- Admin listings: uploads by state or artist, newest first; accounts by email prefix.
create index uploads_state_created on ingestion.uploads (state, created_at desc, id desc);
create index uploads_artist_created on ingestion.uploads (artist_id, created_at desc, id desc);
create index accounts_email_prefix on auth.accounts (lower(email) text_pattern_ops);
create index accounts_created on auth.accounts (created_at desc, id desc);
