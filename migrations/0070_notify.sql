-- Notification context. Everything here is written by the notify origin
-- service, except push_subscriptions, which the edge (workers/notify) writes
-- for the signed-in user and the origin prunes when a push service answers
-- 404/410.

-- One row per message we mean to send: (event, channel, recipient) is unique,
-- so a redelivered or duplicated event can never queue a second message. The
-- consumer inserts rows inside its inbox transaction; the dispatcher sends them
-- and keeps the log (attempts, last error, the provider's message id).
create table notify.deliveries (
  id uuid primary key default gen_random_uuid(),
  event_id uuid not null,
  event_type text not null,
  user_id uuid not null,
  channel text not null check (channel in ('email', 'push')),
  -- An email address, or a push subscription's endpoint URL.
  recipient text not null,
  locale text not null,
  template text not null,
  -- The rendered message (email: subject, text, html, messageId; push: the JSON payload and topic).
  content jsonb not null,
  -- pending → sending → sent | failed | gone (push subscription expired) | cancelled (recipient vanished)
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'gone', 'cancelled')),
  attempts integer not null default 0,
  -- pending: when to try next; sending: when the lease of the dispatcher holding it ends.
  next_attempt_at timestamptz not null default now(),
  lease_owner text,
  last_error text,
  provider_message_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (event_id, channel, recipient)
);

create index deliveries_due on notify.deliveries (next_attempt_at) where status in ('pending', 'sending');
create index deliveries_user on notify.deliveries (user_id, created_at desc);

-- Web Push subscriptions (the browser's PushSubscription JSON). An endpoint
-- names one browser profile, so it is unique: the last user who registered it
-- on that device owns it.
create table notify.push_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  endpoint text not null unique,
  p256dh text not null,
  auth text not null,
  expiration_time timestamptz,
  user_agent text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index push_subscriptions_user on notify.push_subscriptions (user_id);
