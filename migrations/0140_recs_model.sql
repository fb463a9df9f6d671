-- Recommendations context (issue 12): the signals learned from and the models served.
--
-- recs.interactions is the implicit-feedback log the trainer reads: one row per
-- signal, written by the recs consumer exactly once (the primary key is the source
-- event id plus the track, so a redelivered event adds nothing). Weights are
-- fixed at write time from shared/recs/signals.ts so a retrain reproduces them.
create table recs.interactions (
  event_id uuid not null,
  account_id uuid not null,
  track_id uuid not null,
  signal text not null check (signal in (
    'play', 'complete', 'skip', 'like', 'unlike', 'playlist_add', 'wave_like', 'wave_dislike', 'wave_skip'
  )),
  weight real not null,
  occurred_at timestamptz not null,
  primary key (event_id, track_id)
);
create index interactions_account_time on recs.interactions (account_id, occurred_at desc);
create index interactions_time on recs.interactions (occurred_at);

-- Precomputed top-K neighbours, replaced wholesale by each training run and
-- patched between runs; the edge reads them by primary-key range.
create table recs.track_neighbors (
  track_id uuid not null,
  rank smallint not null check (rank >= 0),
  neighbor_id uuid not null,
  score real not null,
  primary key (track_id, rank)
);
create table recs.artist_neighbors (
  artist_id uuid not null,
  rank smallint not null check (rank >= 0),
  neighbor_id uuid not null,
  score real not null,
  primary key (artist_id, rank)
);
-- Popularity per segment: 'all', 'genre:<genre>', 'language:<lang>' — the
-- fallback for a listener without history and the seed of cold-start waves.
create table recs.popular_tracks (
  segment text not null check (length(segment) between 1 and 200),
  rank integer not null check (rank >= 0),
  track_id uuid not null,
  score real not null,
  primary key (segment, rank)
);

create table recs.model_runs (
  id bigint generated always as identity primary key,
  model text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  interactions bigint not null,
  tracks integer not null,
  params jsonb not null default '{}'::jsonb
);
