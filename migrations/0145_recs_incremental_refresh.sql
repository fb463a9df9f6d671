-- Incremental neighbour refresh between trainings (issue 12): which tracks got
-- new signals since the last training or refresh.
--
-- recorded_at is when the row was written (occurred_at is the event's own time,
-- which a late or replayed event sets in the past), so "new since the last
-- refresh" is a range on it. now() is not volatile: the column is added
-- without rewriting the table, existing rows reading the migration's time.
alter table recs.interactions add column recorded_at timestamptz not null default now();
create index interactions_recorded on recs.interactions (recorded_at);

-- One row per refresh: `until` is the database time the refresh started
-- reading at; the next one looks at rows recorded after it (less a margin for
-- transactions that were still open).
create table recs.neighbor_refreshes (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  since timestamptz not null,
  until timestamptz not null,
  touched_tracks integer not null,
  new_tracks integer not null,
  rows_written integer not null
);
