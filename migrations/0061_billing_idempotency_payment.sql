-- The payment a POST /subscribe created under its Idempotency-Key: a repeat of
-- a request that stopped between creating it and answering (crash, timeout)
-- finishes that same payment (the provider dedupes on the payment id) instead
-- of waiting forever or creating a second one.
alter table billing.idempotency_keys add column payment_id uuid;
