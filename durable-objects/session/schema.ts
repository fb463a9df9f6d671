/** Versioned DDL of the Session DO's SQLite storage; see ./storage-schema.md. */
const steps: readonly string[] = [
  `create table families (
     id text primary key,
     device text,
     user_agent text,
     ip text,
     created_at integer not null,
     last_used_at integer not null,
     expires_at integer not null,
     revoked_at integer,
     revoked_reason text
   );
   create table tokens (
     hash text primary key,
     family_id text not null references families (id),
     issued_at integer not null,
     used_at integer
   );
   create index tokens_family on tokens (family_id, used_at);`,
  // Playback: the account's one stream lease (a single row) and its recent plays.
  `create table stream_lease (
     slot integer primary key check (slot = 1),
     lease_id text not null,
     session_id text not null,
     acquired_at integer not null
   );
   create table plays (
     play_id text primary key,
     session_id text not null,
     track_id text not null,
     quality text not null,
     premium integer not null,
     duration_ms integer not null,
     started_at integer not null,
     finished_at integer,
     position_ms integer,
     expires_at integer not null
   );
   create index plays_expiry on plays (expires_at);`,
  // Playback events waiting to be relayed to PostgreSQL's events.outbox (this object's outbox).
  `create table pending_events (
     seq integer primary key autoincrement,
     id text not null unique,
     topic text not null,
     key text not null,
     type text not null,
     event text not null,
     created_at integer not null
   );`,
  // The HMAC key that derives each refresh secret's successor (refresh retries get the same one).
  `create table object_keys (
     name text primary key,
     key text not null
   );`,
];

/** Applies the steps this object has not run yet; idempotent, run in `blockConcurrencyWhile`. */
export function migrateSessionSchema(sql: SqlStorage): void {
  sql.exec("create table if not exists schema_version (version integer not null)");
  const current = sql.exec<{ version: number }>("select version from schema_version").toArray()[0]?.version ?? 0;
  for (let version = current; version < steps.length; version++) {
    const step = steps[version];
    if (step) sql.exec(step);
  }
  if (current === 0) sql.exec("insert into schema_version (version) values (?)", steps.length);
  else if (current < steps.length) sql.exec("update schema_version set version = ?", steps.length);
}
