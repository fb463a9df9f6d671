-- The ads context: campaigns admins curate, their creatives (audio in the
-- media bucket, an image, a click URL), and every impression served to a free
-- listener. The per-user hourly frequency cap is counted from the impressions
-- themselves (a sliding hour), under a per-listener transaction lock, so two
-- parallel GET /ad calls can never both take the last slot.
create table ads.campaigns (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 200),
  advertiser text not null check (length(btrim(advertiser)) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'paused')),
  -- Served only inside [starts_at, ends_at); no end = open-ended.
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  -- Higher priority wins outright; weight shares traffic within one priority.
  priority integer not null default 0 check (priority between 0 and 100),
  weight integer not null default 1 check (weight between 1 and 1000),
  -- At most this many impressions of the campaign per listener in any hour.
  hourly_cap integer not null default 4 check (hourly_cap between 1 and 60),
  -- Targeting: an empty list matches everyone; genres match the track being played,
  -- languages the listener's (profile locale, else Accept-Language), ISO 639 codes;
  -- both stored lower-case (the admin API normalises them).
  genres text[] not null default '{}',
  languages text[] not null default '{}',
  created_by uuid not null,              -- the admin (auth id)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at is null or ends_at > starts_at)
);
create index campaigns_serving on ads.campaigns (priority desc) where status = 'active';

create table ads.creatives (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references ads.campaigns (id) on delete cascade,
  name text not null check (length(btrim(name)) between 1 and 200),
  status text not null default 'active' check (status in ('active', 'paused')),
  -- The spot's audio in the media bucket, served through signed media URLs like tracks.
  audio_key text not null check (audio_key ~ '^ads/[A-Za-z0-9._/-]+$' and audio_key !~ '\.\.'),
  audio_content_type text not null check (audio_content_type ~ '^audio/[a-z0-9.+-]+$'),
  duration_ms integer not null check (duration_ms between 1000 and 120000),
  image_url text check (image_url ~ '^https?://'),
  click_url text check (click_url ~ '^https?://'),
  weight integer not null default 1 check (weight between 1 and 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index creatives_campaign on ads.creatives (campaign_id) where status = 'active';

create table ads.impressions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,                 -- the listener (auth id; no FK across contexts)
  campaign_id uuid not null references ads.campaigns (id) on delete cascade,
  creative_id uuid not null references ads.creatives (id) on delete cascade,
  served_at timestamptz not null default now(),
  -- Client beacons (POST /ad/impressions/{id}); first report wins, repeats change nothing.
  played_at timestamptz,
  clicked_at timestamptz,
  -- What the request targeted, for reporting.
  genres text[] not null default '{}',
  language text
);
-- The frequency cap reads one listener's last hour.
create index impressions_listener on ads.impressions (user_id, served_at desc) include (campaign_id);
create index impressions_campaign on ads.impressions (campaign_id, served_at);
