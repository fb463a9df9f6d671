-- Refused (unverifiable) payment callbacks come from anyone: only a small sample per provider and
-- hour is kept in billing.callbacks, the rest is counted here (issue 17, low items).
create table billing.refused_callback_counts (
  provider text not null,
  hour timestamptz not null,
  refused bigint not null,
  primary key (provider, hour)
);
