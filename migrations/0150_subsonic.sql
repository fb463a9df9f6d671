-- Subsonic context: the credentials Subsonic/OpenSubsonic players use instead
-- of an access token. Players cannot do OAuth or refresh tokens, so a listener
-- creates one credential per device and revokes it from the web app.
--
-- API keys (OpenSubsonic `apiKey`): only the SHA-256 of a key is stored; the
-- key is shown once at creation. Keys are high-entropy, so a plain hash (not
-- argon2) is enough and lets a request find its key with one index lookup.
--
-- App passwords (legacy `u` + `t` + `s` and `p=enc:`): token auth sends
-- md5(password + salt), which the server can only check holding the plain
-- password, so it is stored encrypted (AES-256-GCM, key SUBSONIC_SECRET_KEY)
-- rather than hashed. They are server-generated, never the account password
-- (which stays argon2id-only and never works here).
create schema if not exists subsonic;

create table subsonic.api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 100),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index api_keys_user on subsonic.api_keys (user_id, created_at desc);

create table subsonic.app_passwords (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null,
  name text not null check (length(btrim(name)) between 1 and 100),
  -- base64 of iv (12 bytes) || AES-GCM ciphertext and tag; the row id is the associated data,
  -- so a ciphertext copied onto another row does not decrypt.
  secret text not null check (length(secret) between 16 and 200),
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index app_passwords_user on subsonic.app_passwords (user_id, created_at desc);

-- The play queue a listener saved (Subsonic savePlayQueue, PUT /me/play-queue),
-- so they move between devices and go on where they stopped. One per listener;
-- track ids are not checked against the catalog on save: a track taken down
-- later is skipped when the queue is read.
create table subsonic.play_queues (
  user_id uuid primary key,
  track_ids uuid[] not null check (cardinality(track_ids) <= 1000),
  current_id uuid,
  position_ms bigint not null default 0 check (position_ms between 0 and 86400000),
  changed_by text not null check (length(changed_by) <= 100),
  updated_at timestamptz not null default now()
);

-- What each of a listener's Subsonic devices is playing (getNowPlaying): set
-- by the first request of a play and by "now playing" scrobbles, ended by
-- the submission. Only its owner reads it: what someone listens to is theirs.
-- `lease_id` is the device's stream lease (Session DO): a player's later Range
-- requests of the play are served only while it holds it, so a device that
-- lost the account's one stream to another stops instead of taking it back.
create table subsonic.now_playing (
  user_id uuid not null,
  credential_id uuid not null,
  track_id uuid not null,
  client text not null check (length(client) <= 100),
  lease_id uuid,
  started_at timestamptz not null default now(),
  -- Scrobbled as played: no longer "now playing", but the row keeps the lease
  -- for the parts of the file the player still fetches (players scrobble half-way).
  submitted boolean not null default false,
  primary key (user_id, credential_id)
);
