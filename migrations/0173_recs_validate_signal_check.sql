-- Validates 0172's widened signal check in a transaction of its own: VALIDATE CONSTRAINT
-- takes SHARE UPDATE EXCLUSIVE, so the recs consumer keeps inserting while it scans.
alter table recs.interactions validate constraint interactions_signal_check;
