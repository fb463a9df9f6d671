-- The trace id of the request behind the event, so the dispatcher's log lines
-- (sent, retried, failed) join the same trace as the consumer's.
alter table notify.deliveries add column trace_id text;
