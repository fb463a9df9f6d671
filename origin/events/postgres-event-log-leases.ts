/**
 * Group membership and partition leases of the embedded log. Every member
 * computes the same assignment from the list of live members (sorted by id,
 * partition p of a topic goes to subscriber number p mod n), gives up leases
 * it should no longer hold and takes free ones it should. A lease is taken
 * only when no live lease exists, so a partition moves only after its old
 * holder released it (between batches) or stopped heartbeating for a whole TTL.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { logStart } from "./postgres-event-log-retention.ts";

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface Acquired extends PartitionRef {
  /** The group's committed position: where this member starts reading. */
  position: bigint;
}

export interface MemberIdentity {
  group: string;
  memberId: string;
  topics: readonly string[];
  ttlMs: number;
}

const expiry = (ttlMs: number) => sql`now() + make_interval(secs => ${ttlMs / 1000})`;

export async function joinGroup(db: Kysely<Database>, member: MemberIdentity): Promise<void> {
  await sql`
    insert into events.log_members (group_id, member_id, topics, expires_at)
    values (${member.group}, ${member.memberId}, ${[...member.topics]}::text[], ${expiry(member.ttlMs)})
    on conflict (group_id, member_id) do update set expires_at = excluded.expires_at`.execute(db);
}

export interface Beat {
  /** The leases the member still holds. */
  held: PartitionRef[];
  /** Its group as `targetAssignment` would see it, when asked for. */
  view: GroupView | null;
}

/**
 * Renews members and their leases (re-joining one that others already
 * expired) and, where `withView`, reads its group as `targetAssignment` would
 * see it: for several members at once, in three statements whatever their
 * number, so the members of one process share one heartbeat.
 */
export async function heartbeatAll(db: Kysely<Database>, members: readonly MemberIdentity[], withView: readonly boolean[]): Promise<Beat[]> {
  if (members.length === 0) return [];
  const groups = members.map((member) => member.group);
  const ids = members.map((member) => member.memberId);
  const ttls = members.map((member) => member.ttlMs / 1000);
  const renewed = await sql<{ group_id: string; member_id: string }>`
    update events.log_members m set expires_at = now() + make_interval(secs => r.ttl)
    from unnest(${groups}::text[], ${ids}::text[], ${ttls}::float8[]) as r (group_id, member_id, ttl)
    where m.group_id = r.group_id and m.member_id = r.member_id
    returning m.group_id, m.member_id`.execute(db);
  const alive = new Set(renewed.rows.map((row) => `${row.group_id}\u0000${row.member_id}`));
  for (const member of members) if (!alive.has(`${member.group}\u0000${member.memberId}`)) await joinGroup(db, member);
  const leases = await sql<PartitionRef & { group_id: string; member_id: string }>`
    update events.log_leases l set expires_at = now() + make_interval(secs => r.ttl)
    from unnest(${groups}::text[], ${ids}::text[], ${ttls}::float8[]) as r (group_id, member_id, ttl)
    where l.group_id = r.group_id and l.member_id = r.member_id
    returning l.group_id, l.member_id, l.topic, l.partition`.execute(db);
  const held = new Map<string, PartitionRef[]>();
  for (const row of leases.rows) {
    const key = `${row.group_id}\u0000${row.member_id}`;
    held.set(key, [...(held.get(key) ?? []), { topic: row.topic, partition: row.partition }]);
  }
  const viewed = members.flatMap((member, index) => (withView[index] ? [{ member, index }] : []));
  const views = new Map<number, GroupView>();
  if (viewed.length > 0) {
    // A member's topics travel as one string: unnest cannot take an array of arrays of differing lengths.
    const rows = await sql<{ idx: number; members: string | null; topics: string | null; expired: number }>`
      select g.idx::int as idx,
        (select string_agg(member_id || ':' || array_to_string(topics, ','), ';' order by member_id)
           from events.log_members where group_id = g.group_id and expires_at >= now()) as members,
        (select string_agg(name || ':' || partitions, ';' order by name)
           from events.log_topics where name = any(string_to_array(g.topics, chr(1)))) as topics,
        (select count(*)::int from events.log_members where group_id = g.group_id and expires_at < now()) as expired
      from unnest(${viewed.map(({ member }) => member.group)}::text[], ${viewed.map(({ member }) => member.topics.join("\u0001"))}::text[], ${viewed.map(({ index }) => index)}::int[])
        as g (group_id, topics, idx)`.execute(db);
    for (const row of rows.rows) views.set(row.idx, { members: row.members ?? "", topics: row.topics ?? "", expired: row.expired });
  }
  return members.map((member, index) => ({ held: held.get(`${member.group}\u0000${member.memberId}`) ?? [], view: views.get(index) ?? null }));
}

/**
 * What a member's assignment is computed from: the live members with their
 * topics, and the partition counts of its topics. While it stays the same and
 * the member holds its whole target, another rebalance would change nothing
 * (the heartbeat reads it: `heartbeatAll`).
 */
export interface GroupView {
  /** `member:topic,topic` of each live member, by member id, joined with ";". */
  members: string;
  /** `topic:partitions` of the member's existing topics, by name, joined with ";". */
  topics: string;
  /** Members whose heartbeat lapsed and are not yet removed (a rebalance removes them). */
  expired: number;
}

/** The partitions this member should hold now, given the live members and the topics' partition counts; and what that was computed from. */
export async function targetAssignment(db: Kysely<Database>, member: MemberIdentity): Promise<{ target: PartitionRef[]; view: GroupView }> {
  await sql`delete from events.log_members where group_id = ${member.group} and expires_at < now()`.execute(db);
  await sql`delete from events.log_leases where group_id = ${member.group} and expires_at < now()`.execute(db);
  const members = await sql<{ member_id: string; topics: string[] }>`
    select member_id, topics from events.log_members where group_id = ${member.group} order by member_id`.execute(db);
  const topics = await sql<{ name: string; partitions: number }>`
    select name, partitions from events.log_topics where name = any(${[...member.topics]}::text[]) order by name`.execute(db);
  const view: GroupView = {
    members: members.rows.map((row) => `${row.member_id}:${row.topics.join(",")}`).join(";"),
    topics: topics.rows.map((row) => `${row.name}:${row.partitions}`).join(";"),
    expired: 0,
  };
  const target: PartitionRef[] = [];
  for (const { name, partitions } of topics.rows) {
    const subscribers = members.rows.filter((row) => row.topics.includes(name)).map((row) => row.member_id);
    if (!subscribers.includes(member.memberId)) subscribers.push(member.memberId);
    subscribers.sort();
    const index = subscribers.indexOf(member.memberId);
    for (let partition = index; partition < partitions; partition += subscribers.length) target.push({ topic: name, partition });
  }
  return { target, view };
}

export async function releaseLeases(db: Kysely<Database>, member: MemberIdentity, partitions: readonly PartitionRef[]): Promise<void> {
  if (partitions.length === 0) return;
  await sql`
    delete from events.log_leases l
    using unnest(${partitions.map((p) => p.topic)}::text[], ${partitions.map((p) => p.partition)}::int[]) as r (topic, partition)
    where l.group_id = ${member.group} and l.member_id = ${member.memberId} and l.topic = r.topic and l.partition = r.partition`.execute(db);
}

/**
 * Takes the free leases among `partitions` (and renews those this member
 * already holds) and returns every one it now holds with the group's
 * position. A partition the group never committed starts at its first
 * retained record ("earliest") or at its current end ("latest"); that start is
 * stored at once, so a later rebalance does not skip what came in between.
 */
export async function acquireLeases(
  db: Kysely<Database>,
  member: MemberIdentity,
  partitions: readonly PartitionRef[],
  from: "earliest" | "latest",
): Promise<Acquired[]> {
  if (partitions.length === 0) return [];
  const taken = await sql<PartitionRef>`
    insert into events.log_leases (group_id, topic, partition, member_id, expires_at)
    select ${member.group}, topic, partition, ${member.memberId}, ${expiry(member.ttlMs)}
    from unnest(${partitions.map((p) => p.topic)}::text[], ${partitions.map((p) => p.partition)}::int[]) as r (topic, partition)
    on conflict (group_id, topic, partition) do update set expires_at = excluded.expires_at
      where events.log_leases.member_id = excluded.member_id
    returning topic, partition`.execute(db);
  if (taken.rows.length === 0) return [];
  const topics = taken.rows.map((row) => row.topic);
  const numbers = taken.rows.map((row) => row.partition);
  await sql`
    insert into events.log_group_offsets (group_id, topic, partition, next_offset)
    select ${member.group}, p.topic, p.partition, case when ${from === "latest"} then p.next_offset else ${logStart("p")} end
    from events.log_partitions p
    join unnest(${topics}::text[], ${numbers}::int[]) as r (topic, partition) on r.topic = p.topic and r.partition = p.partition
    on conflict (group_id, topic, partition) do nothing`.execute(db);
  const positions = await sql<{ topic: string; partition: number; next_offset: string }>`
    select o.topic, o.partition, o.next_offset::text as next_offset from events.log_group_offsets o
    join unnest(${topics}::text[], ${numbers}::int[]) as r (topic, partition) on r.topic = o.topic and r.partition = o.partition
    where o.group_id = ${member.group}`.execute(db);
  return positions.rows.map((row) => ({ topic: row.topic, partition: row.partition, position: BigInt(row.next_offset) }));
}

/**
 * Moves the group's position past a handled batch, only while this member
 * still holds the lease: a member that lost it (it stalled past the TTL) must
 * not overwrite the new holder's progress. Returns false when fenced off.
 */
export async function commitPosition(db: Kysely<Database>, member: MemberIdentity, at: PartitionRef, next: bigint): Promise<boolean> {
  const result = await sql`
    update events.log_group_offsets o set next_offset = ${next.toString()}::bigint, updated_at = now()
    where o.group_id = ${member.group} and o.topic = ${at.topic} and o.partition = ${at.partition}
      and exists (select 1 from events.log_leases l where l.group_id = o.group_id and l.topic = o.topic
                  and l.partition = o.partition and l.member_id = ${member.memberId})`.execute(db);
  return result.numAffectedRows === 1n;
}

export async function leaveGroup(db: Kysely<Database>, member: MemberIdentity): Promise<void> {
  const leave = async (trx: Kysely<Database>) => {
    await sql`delete from events.log_leases where group_id = ${member.group} and member_id = ${member.memberId}`.execute(trx);
    await sql`delete from events.log_members where group_id = ${member.group} and member_id = ${member.memberId}`.execute(trx);
  };
  // The session runner may already hand us a transaction (on PGlite it always does).
  if (db.isTransaction) await leave(db);
  else await db.transaction().execute(leave);
}
