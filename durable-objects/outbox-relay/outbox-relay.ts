import { DurableObject } from "cloudflare:workers";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { createEdgeDatabase } from "../../workers/platform/edge-database.ts";

/** One `events.outbox` row as the Session objects queue it (the CloudEvent id is the key). */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  type: string;
  /** The whole CloudEvent, JSON. */
  event: string;
}

/** What a Session object relays its queued events through: resolves once the rows are in `events.outbox`. */
export interface OutboxSink {
  insert(rows: OutboxRow[]): Promise<number>;
}

/** Rows per INSERT statement, so one statement's arrays stay bounded. */
const statementRows = 500;
/** The kept connection is closed after this long without a batch. */
const idleCloseMs = 10_000;
/**
 * Relay shards: each is one object with one connection. Sessions spread over them
 * by a hash of their id, so one user's events always take the same shard (and keep their order).
 */
export const outboxRelayShards = 8;

export interface OutboxRelayEnv {
  HYPERDRIVE: Hyperdrive;
}

interface Waiting {
  rows: OutboxRow[];
  resolve: (count: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Copies playback events from many Session objects into PostgreSQL's
 * `events.outbox` over one kept-open connection, instead of a connection per
 * Session alarm (a listener starts one track every few minutes, so that was a
 * connection per play). Calls that arrive while an INSERT is running are
 * group-committed in the next one.
 *
 * It stores nothing: a Session object deletes its queued rows only after
 * `insert` resolved, and retries otherwise; rows carry their final CloudEvent
 * id and the INSERT skips ids already there, so a retry adds nothing. Durable
 * Objects share I/O across the requests to one object, which is what lets the
 * connection outlive the call that opened it.
 */
export class OutboxRelay extends DurableObject<OutboxRelayEnv> implements OutboxSink {
  private db: Kysely<Database> | null = null;
  private readonly waiting: Waiting[] = [];
  private draining: Promise<void> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  async insert(rows: OutboxRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const done = new Promise<number>((resolve, reject) => this.waiting.push({ rows, resolve, reject }));
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return done;
  }

  private async drain(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.waiting.length);
      try {
        // Each caller's rows stay together and in its order: the outbox's seq follows VALUES order.
        await this.write(batch.flatMap((waiting) => waiting.rows));
        for (const waiting of batch) waiting.resolve(waiting.rows.length);
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
        // A broken connection is not reused: the next batch opens a fresh one.
        await this.close();
      }
    }
    this.idleTimer = setTimeout(() => void this.close(), idleCloseMs);
  }

  private async write(rows: OutboxRow[]): Promise<void> {
    this.db ??= createEdgeDatabase(this.env.HYPERDRIVE.connectionString);
    for (let start = 0; start < rows.length; start += statementRows) {
      const chunk = rows.slice(start, start + statementRows);
      // One fixed statement with a parameter per column (arrays), not Kysely's builder: compiling a
      // VALUES list per batch was a tenth of the isolate's CPU on /stream. The ordinality keeps
      // VALUES order, which the outbox's seq (and so each listener's event order) follows.
      await sql`insert into events.outbox (id, topic, key, type, event)
        select r.id, r.topic, r.key, r.type, r.event::jsonb
        from unnest(${chunk.map((row) => row.id)}::uuid[], ${chunk.map((row) => row.topic)}::text[], ${chunk.map((row) => row.key)}::text[],
                    ${chunk.map((row) => row.type)}::text[], ${chunk.map((row) => row.event)}::text[]) with ordinality as r(id, topic, key, type, event, ord)
        order by r.ord
        on conflict (id) do nothing`.execute(this.db);
    }
  }

  private async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    await db?.destroy().catch(() => undefined);
  }
}

/** The relay shard for a Session object (by a hash of its id string). */
export function outboxRelayFor(namespace: DurableObjectNamespace<OutboxRelay>, sessionObjectId: string): OutboxSink {
  let hash = 0;
  for (let i = 0; i < sessionObjectId.length; i++) hash = (hash * 31 + sessionObjectId.charCodeAt(i)) >>> 0;
  return namespace.get(namespace.idFromName(`outbox-relay-${hash % outboxRelayShards}`));
}
