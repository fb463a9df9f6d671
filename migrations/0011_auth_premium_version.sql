-- When auth's copy of is_premium was last set from a UserUpdated event (the
-- event's updatedAt), so a late or replayed older event never undoes a newer one.
alter table auth.accounts add column premium_changed_at timestamptz;
