-- The embedded EventLog (origin/events/postgres-event-log.ts): Kafka's model
-- of topics, partitions, offsets and consumer groups on PostgreSQL, for when
-- no Kafka broker is configured.

create table events.log_topics (
  name text primary key check (name <> ''),
  partitions integer not null check (partitions between 1 and 1024),
  created_at timestamptz not null default now()
);

-- One row per partition holding the next offset to assign. A publisher
-- increments it in its own transaction: the row lock it takes is held until
-- commit, so offsets are gap-free (a rollback undoes the increment) and become
-- visible in offset order — a reader past offset N can never later see a
-- record below N appear. Updated on every publish, hence room for HOT updates.
create table events.log_partitions (
  topic text not null references events.log_topics (name),
  partition integer not null check (partition >= 0),
  next_offset bigint not null default 0,
  primary key (topic, partition)
) with (fillfactor = 50);

create table events.log_records (
  topic text not null,
  partition integer not null,
  record_offset bigint not null,
  key text not null,
  value text not null,
  headers jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (topic, partition, record_offset),
  foreign key (topic, partition) references events.log_partitions (topic, partition)
);

-- A group's committed position per partition: the next offset it will read.
create table events.log_group_offsets (
  group_id text not null,
  topic text not null,
  partition integer not null,
  next_offset bigint not null check (next_offset >= 0),
  updated_at timestamptz not null default now(),
  primary key (group_id, topic, partition),
  foreign key (topic, partition) references events.log_partitions (topic, partition)
);

-- Live members of a group. A member renews expires_at by heartbeat; a crashed
-- one expires and the others divide its partitions among themselves.
create table events.log_members (
  group_id text not null,
  member_id text not null,
  topics text[] not null,
  joined_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (group_id, member_id)
);

-- Which member consumes a partition for its group: at most one at a time.
create table events.log_leases (
  group_id text not null,
  topic text not null,
  partition integer not null,
  member_id text not null,
  expires_at timestamptz not null,
  primary key (group_id, topic, partition),
  foreign key (topic, partition) references events.log_partitions (topic, partition)
);
create index log_leases_member on events.log_leases (group_id, member_id);
