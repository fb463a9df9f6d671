-- Recommendations serving (issue 12, part B): the listener state the edge keeps
-- beside the model tables of 0140. All small, all keyed by the listener.

-- Tracks a listener disliked in the wave: hidden from every recommendation.
create table recs.hidden_tracks (
  account_id uuid not null,
  track_id uuid not null,
  hidden_at timestamptz not null default now(),
  primary key (account_id, track_id)
);

-- Onboarding taste (PUT /me/taste) and the explicit-content choice the wave respects.
create table recs.taste (
  account_id uuid primary key,
  artist_ids uuid[] not null default '{}' check (cardinality(artist_ids) <= 50),
  genres text[] not null default '{}' check (cardinality(genres) <= 20),
  allow_explicit boolean not null default true,
  updated_at timestamptz not null default now()
);

-- The wave session: one per listener, a new one after 30 minutes without a
-- request. A table rather than the Session Durable Object because the feedback
-- route, the wave route and the consumer all read it, and the served set must
-- survive an edge isolate being recycled.
create table recs.wave_sessions (
  account_id uuid primary key,
  session_id uuid not null,
  last_seen_at timestamptz not null default now()
);

-- What the current session served and how the listener reacted: never serve a
-- track twice in a session; re-rank from the live feedback. Old sessions'
-- rows are deleted when a new session starts.
create table recs.wave_served (
  session_id uuid not null,
  track_id uuid not null,
  artist_id uuid not null,
  served_at timestamptz not null default now(),
  feedback text check (feedback in ('like', 'dislike', 'skip')),
  primary key (session_id, track_id)
);

-- Daily mixes, built on the listener's first request of a UTC day and kept for the day.
create table recs.daily_mixes (
  account_id uuid not null,
  day date not null,
  mixes jsonb not null,
  primary key (account_id, day)
);
