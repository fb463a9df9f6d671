/**
 * The embedded EventLog adapter: Kafka's model (topics, key-hashed partitions,
 * gap-free offsets, consumer groups with committed offsets and one member per
 * partition) on PostgreSQL — PGlite by default, or any server. Tables in
 * migrations/0003_event_log.sql.
 *
 * Consumers wait for a wake-up and poll slowly as a safety net. Publishers in
 * this process wake every consumer of this process directly (whichever log
 * instance they use: each origin service opens its own); LISTEN/NOTIFY carries
 * the hint to other processes. NOTIFY serialises committing transactions on a
 * database-wide lock and drops the message when nobody listens, so
 * correctness never depends on it: a lost hint costs one safety poll.
 */
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../shared/db/database.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger, type Logger } from "../../shared/logger.ts";
import type { ConsumeOptions, Consumer, EventLog, LogRecordInput, PartitionLag, TopicSpec } from "./event-log.ts";
import { appendToLog, logChannel, TopicPartitions, type LogPosition } from "./postgres-event-log-append.ts";
import { listenForLogChanges, type LogListener } from "./postgres-event-log-listener.ts";
import { PostgresLogMember } from "./postgres-event-log-member.ts";
import { logStart, pruneLog } from "./postgres-event-log-retention.ts";
import { sessionRunner } from "./postgres-event-log-session.ts";
import { tableWriteHints } from "../platform/table-write-hints.ts";

export interface PostgresEventLogOptions {
  /** An existing handle (not closed by `close`); or give `url` and the log opens its own pool. */
  db?: Kysely<Database>;
  /** postgres:// URL; also enables the LISTEN wake-up hint (ignored on PGlite). */
  url?: string;
  logger?: Logger;
  /** How often an idle member looks for new records without a wake-up (default 5 s: the safety poll). */
  pollIntervalMs?: number;
  /** How long a silent member keeps its partitions (default 10 s). */
  leaseTtlMs?: number;
  /** Heartbeat and rebalance period (default ttl / 3). */
  heartbeatIntervalMs?: number;
  /** Pause before a rejected batch is delivered again (default 1 s). */
  redeliveryDelayMs?: number;
  /** Records older than this are deleted, read or not (default 7 days, as Kafka's retention.ms). */
  retentionMs?: number;
  /** How often this instance prunes (default 1 min). */
  pruneIntervalMs?: number;
}

export interface PostgresEventLog extends EventLog {
  /** `appendToLog` inside the caller's transaction, with this log's topic cache; call `wake` after the commit. */
  append(trx: Kysely<Database>, records: readonly LogRecordInput[]): Promise<LogPosition[]>;
  /** Wakes consumers of `topics` now, here and (NOTIFY) in other processes; e.g. after committing an `append`. */
  wake(topics: readonly string[]): void;
}

const optionsSchema = z.object({
  pollIntervalMs: z.number().int().min(5).default(5_000),
  leaseTtlMs: z.number().int().min(300).default(10_000),
  heartbeatIntervalMs: z.number().int().min(50).optional(),
  redeliveryDelayMs: z.number().int().min(0).default(1_000),
  retentionMs: z
    .number()
    .int()
    .min(1_000)
    .default(7 * 24 * 3_600_000),
  pruneIntervalMs: z.number().int().min(1_000).default(60_000),
});
const topicSpec = z.object({ name: z.string().min(1), partitions: z.number().int().min(1).max(1024) });
const consumeSchema = z.object({
  group: z.string().min(1),
  topics: z.array(z.string().min(1)).min(1),
  from: z.enum(["earliest", "latest"]).default("earliest"),
  maxBatchSize: z.number().int().min(1).max(10_000).default(500),
});

/**
 * The dispatchers of every open log of this process. The origin runs several
 * services in one process, each with its own log instance (and pool): an
 * append by one (the CDC relay) must wake the consumers of the others now,
 * not at their next safety poll. A wake-up a member does not need costs it
 * one fetch.
 */
const dispatchers = new Set<(payload: string) => void>();

/** When a log of this process last pruned a database (by URL). */
const lastPruned = new Map<string, number>();

/** @example const log = createPostgresEventLog({ url: process.env.DATABASE_URL, logger }) */
export function createPostgresEventLog(options: PostgresEventLogOptions): PostgresEventLog {
  const settings = optionsSchema.parse(options);
  // A member is replaced within the TTL after it died; leaving or joining is announced and
  // rebalances at once. Heartbeats are then the only steady traffic of an idle group.
  const heartbeatIntervalMs = settings.heartbeatIntervalMs ?? Math.floor(settings.leaseTtlMs / 3);
  const logger = options.logger ?? createLogger({ component: "postgres-event-log" });
  const ownsDb = options.db === undefined;
  const db = options.db ?? createPostgresDatabase(requireUrl(options.url), { applicationName: "tunec-event-log" });
  const topicCache = new TopicPartitions();
  const run = sessionRunner(db);
  const members = new Set<PostgresLogMember>();
  // Logs of one database in this process (each origin service opens its own) share one heartbeat.
  const heartbeatKey = `${options.url ?? crypto.randomUUID()}\u0000${heartbeatIntervalMs}\u0000${settings.leaseTtlMs}`;
  let listener: Promise<LogListener | null> | null = null;
  let onPglite = false;
  // Whether every write to this log's database reaches this process's hints (the embedded database served here).
  const hinted = (): boolean => (options.url ? tableWriteHints.covers(options.url) : onPglite && tableWriteHints.watching);

  const dispatch = (payload: string): void => {
    for (const member of members) {
      if (payload === "*") member.wake("group");
      else if (payload === `g:${member.identity.group}`) member.wake("group");
      else if (payload.startsWith("t:") && member.identity.topics.includes(payload.slice(2))) member.wake("records");
    }
  };
  // NOTIFY runs after the data committed, in its own statement: inside the
  // publishing transaction it would serialise all commits on one lock. One in
  // flight at a time; payloads arriving meanwhile go out together next.
  const unsent = new Set<string>();
  let notifying: Promise<void> | null = null;
  const flush = async (): Promise<void> => {
    while (unsent.size > 0) {
      const payloads = [...unsent];
      unsent.clear();
      await run((session) => sql`select pg_notify(${logChannel}, payload) from unnest(${payloads}::text[]) as payload`.execute(session)).catch(() => undefined);
    }
    notifying = null;
  };
  const signal = (payloads: readonly string[]): void => {
    for (const local of dispatchers) for (const payload of payloads) local(payload);
    if (onPglite) return;
    for (const payload of payloads) unsent.add(payload);
    notifying ??= flush();
  };
  const wake = (topics: readonly string[]): void => signal(topics.map((topic) => `t:${topic}`));
  const announce = (group: string): void => signal([`g:${group}`]);
  const startListening = (): void => {
    if (listener || !options.url) return;
    listener = listenForLogChanges(options.url, dispatch, logger)
      .then((started) => {
        // PGlite: other processes share this one session, nobody can listen.
        onPglite = started === null;
        return started;
      })
      .catch((error: unknown) => {
        logger.warn("event log LISTEN unavailable; consumers rely on polling", { error });
        return null;
      });
  };

  // Several instances may prune at once; the deletes then simply overlap. Those of one database in this
  // process (each origin service opens its own) take turns: one prune per interval is enough.
  let pruning: Promise<unknown> = Promise.resolve();
  const pruner = setInterval(() => {
    if (options.url) {
      const last = lastPruned.get(options.url) ?? 0;
      if (Date.now() - last < settings.pruneIntervalMs / 2) return;
      lastPruned.set(options.url, Date.now());
    }
    pruning = run((session) => pruneLog(session, settings.retentionMs)).catch((error: unknown) => logger.warn("event log pruning failed", { error }));
  }, settings.pruneIntervalMs);
  pruner.unref();
  dispatchers.add(dispatch);

  return {
    async ensureTopics(topics: TopicSpec[]): Promise<void> {
      const specs = topics.map((topic) => topicSpec.parse(topic));
      if (specs.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("events.log_topics")
          .values(specs.map((spec) => ({ name: spec.name, partitions: spec.partitions })))
          .onConflict((conflict) => conflict.column("name").doNothing())
          .execute();
        await sql`
          insert into events.log_partitions (topic, partition)
          select t.name, p from events.log_topics t, generate_series(0, t.partitions - 1) as p
          where t.name = any(${specs.map((spec) => spec.name)}::text[])
          on conflict (topic, partition) do nothing`.execute(trx);
      });
    },

    async publish(records: LogRecordInput[]): Promise<void> {
      if (records.length === 0) return;
      await run((session) => appendToLog(session, records, topicCache));
      wake([...new Set(records.map((record) => record.topic))]);
    },

    append(trx, records) {
      return appendToLog(trx, records, topicCache);
    },

    wake,

    async consume(consumeOptions: ConsumeOptions): Promise<Consumer> {
      const parsed = consumeSchema.parse(consumeOptions);
      startListening();
      const member = new PostgresLogMember(
        run,
        { group: parsed.group, memberId: crypto.randomUUID(), topics: [...new Set(parsed.topics)], ttlMs: settings.leaseTtlMs },
        {
          handle: consumeOptions.handle,
          from: parsed.from,
          maxBatchSize: parsed.maxBatchSize,
          pollIntervalMs: settings.pollIntervalMs,
          heartbeatIntervalMs,
          heartbeatKey,
          writeHints: hinted,
          redeliveryDelayMs: settings.redeliveryDelayMs,
          logger: logger.child({ group: parsed.group }),
          announce,
          onStopped: () => members.delete(member),
        },
      );
      members.add(member);
      try {
        await member.start();
      } catch (error) {
        members.delete(member);
        throw error;
      }
      return member;
    },

    async lag(group: string, topics: string[]): Promise<PartitionLag[]> {
      const rows = await run((session) =>
        sql<{ topic: string; partition: number; committed: string; end: string }>`
        select p.topic, p.partition, coalesce(o.next_offset, ${logStart("p")})::text as committed, p.next_offset::text as end
        from events.log_partitions p
        left join events.log_group_offsets o on o.group_id = ${group} and o.topic = p.topic and o.partition = p.partition
        where p.topic = any(${topics}::text[])
        order by p.topic, p.partition`.execute(session),
      );
      return rows.rows.map((row) => ({ ...row, lag: Number(BigInt(row.end) - BigInt(row.committed)) }));
    },

    async close(): Promise<void> {
      clearInterval(pruner);
      dispatchers.delete(dispatch);
      await pruning;
      await Promise.allSettled([...members].map((member) => member.stop()));
      const current = await listener;
      await current?.close();
      await notifying;
      if (ownsDb) await db.destroy();
    },
  };
}

function requireUrl(url: string | undefined): string {
  if (!url) throw new Error("createPostgresEventLog needs `db` or `url`");
  return url;
}
