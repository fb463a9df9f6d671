-- The billing context: payments (provider truth) and subscriptions (the
-- orchestrated saga's state). Money is integer minor units; ids only, no FK
-- across contexts (user_id is the auth/users id).
--
-- payment:       pending --provider says--> succeeded | failed   (never back)
-- subscription:  awaiting_payment --PaymentCompleted--> active --not renewed after grace--> expired
--                       |--PaymentFailed / payment timeout--> failed
-- A payment that succeeds when its subscription is failed or expired is refunded.

create table billing.subscriptions (
  id uuid primary key,
  user_id uuid not null,
  plan text not null check (plan in ('monthly', 'yearly')),
  state text not null check (state in ('awaiting_payment', 'active', 'failed', 'expired')),
  period_start timestamptz,
  period_end timestamptz,
  -- The payment the saga waits for (the first one, or a renewal), and until when.
  awaiting_payment_id uuid,
  awaiting_deadline timestamptz,
  failure_reason text check (failure_reason in ('payment_failed', 'payment_timeout', 'activation_failed')),
  -- Bumped by every saga step; the step's transaction holds the row lock.
  version integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_period check ((state in ('active', 'expired')) = (period_end is not null)),
  constraint subscriptions_awaiting check ((awaiting_payment_id is null) = (awaiting_deadline is null))
);
-- One live subscription per user: a second concurrent POST /subscribe loses here.
create unique index subscriptions_one_live on billing.subscriptions (user_id) where state in ('awaiting_payment', 'active');
create index subscriptions_user on billing.subscriptions (user_id, created_at desc);
-- The saga's timers: payment deadlines and period ends.
create index subscriptions_deadline on billing.subscriptions (awaiting_deadline) where awaiting_deadline is not null;
create index subscriptions_period_end on billing.subscriptions (period_end) where state = 'active';

create table billing.payments (
  id uuid primary key,
  subscription_id uuid not null references billing.subscriptions (id),
  user_id uuid not null,
  plan text not null check (plan in ('monthly', 'yearly')),
  purpose text not null check (purpose in ('initial', 'renewal')),
  method text not null check (method in ('sbp', 'usdt')),
  provider text not null,
  provider_payment_id text,
  amount_minor bigint not null check (amount_minor > 0),
  currency text not null check (currency in ('RUB', 'USDT')),
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  received_minor bigint,
  failure_code text check (failure_code in ('declined', 'expired', 'underpaid', 'cancelled', 'provider_error')),
  failure_message text,
  -- What the listener was shown (QR payload / TRC-20 invoice), replayed to them.
  instructions jsonb,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  failed_at timestamptz,
  last_polled_at timestamptz,
  constraint payments_outcome check ((status = 'failed') = (failure_code is not null))
);
create unique index payments_provider_id on billing.payments (provider, provider_payment_id) where provider_payment_id is not null;
create index payments_subscription on billing.payments (subscription_id, created_at);
create index payments_pending on billing.payments (created_at) where status = 'pending';

-- Every callback as it arrived (verified or not), for audits and disputes.
create table billing.callbacks (
  id bigint generated always as identity primary key,
  provider text not null,
  verified boolean not null,
  payment_id uuid,
  provider_payment_id text,
  reported_status text,
  -- What the callback changed: completed / failed / unchanged / rejected.
  outcome text not null,
  body text not null,
  received_at timestamptz not null default now()
);
create index callbacks_payment on billing.callbacks (payment_id);

-- POST /subscribe's Idempotency-Key: the first request with a key claims it;
-- repeats with the same body get the stored answer.
create table billing.idempotency_keys (
  user_id uuid not null,
  key text not null check (length(key) between 1 and 255),
  request_hash text not null,
  status_code integer,
  response jsonb,
  created_at timestamptz not null default now(),
  primary key (user_id, key)
);

-- Step markers: a saga step inserts its marker in the transaction that changes
-- the state and writes the events, so a replayed step finds it and does nothing.
create table billing.saga_steps (
  subscription_id uuid not null references billing.subscriptions (id),
  step text not null,
  payment_id uuid,
  created_at timestamptz not null default now(),
  primary key (subscription_id, step)
);

-- Compensation: one refund per payment at most (the key), executed by the
-- saga's loop with an idempotency key the provider dedupes on.
create table billing.refunds (
  payment_id uuid primary key references billing.payments (id),
  subscription_id uuid not null references billing.subscriptions (id),
  idempotency_key text not null unique,
  amount_minor bigint not null,
  currency text not null,
  -- requested: to do; accepted: the provider took it (settles later); succeeded: money returned.
  status text not null default 'requested' check (status in ('requested', 'accepted', 'succeeded')),
  provider_refund_id text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index refunds_due on billing.refunds (next_attempt_at) where status = 'requested';
