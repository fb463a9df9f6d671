-- Users context: one profile per account (same id as auth.accounts.id, but no
-- foreign key across contexts). Created lazily on first use or by the premium
-- consumer. is_premium is owned here: SubscriptionActivated/Expired set and
-- clear it and every change is published as UserUpdated.
create table users.profiles (
  user_id uuid primary key,
  display_name text check (display_name is null or length(display_name) between 1 and 200),
  avatar_url text,
  locale text not null default 'ru' check (length(locale) between 2 and 35),
  is_premium boolean not null default false,
  premium_until timestamptz,
  -- activatedAt/expiredAt of the subscription event that last set is_premium,
  -- so a late or replayed older event never undoes a newer one.
  premium_changed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
