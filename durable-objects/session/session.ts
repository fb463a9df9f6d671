import { DurableObject } from "cloudflare:workers";
import { Kysely } from "kysely";
import { hashSecret, newSecret, successorSecret } from "../../workers/auth/refresh-token.ts";
import type { ClientInfo, OpenedSession, RotateResult, SessionInfo, SessionStore } from "../../workers/auth/session-store.ts";
import type { FinishPlayResult, PlayEventContext, StartStreamInput, StartStreamResult, StreamLeaseStore } from "../../workers/playback/stream-lease.ts";
import { migrateSessionSchema } from "./schema.ts";
import * as streamLease from "./stream-lease.ts";
import { deleteRelayedEvents, hasEventsAfter, relayEventsAfter } from "./event-relay.ts";
import { createEdgeDatabase } from "../../workers/platform/edge-database.ts";
import { createLogger } from "../../shared/logger.ts";
import { outboxRelayFor, type OutboxRelay } from "../outbox-relay/outbox-relay.ts";

/** A family dies after 30 days without a refresh, and 90 days after sign-in at the latest. */
export const sessionLifetimes = { idleMs: 30 * 24 * 3600_000, absoluteMs: 90 * 24 * 3600_000 } as const;
/** How soon a failed relay of playback events to PostgreSQL is tried again. */
const relayRetryMs = 5_000;
/** How soon the alarm relays events that were queued while it was relaying. */
const relayDelayMs = 250;
/**
 * How long a refresh secret that was just rotated may be presented again and
 * get the same successor: a client's network retry (two concurrent refreshes
 * with one token) must not look like theft and sign the listener out. Anything
 * later, or after the successor was itself used, is reuse and revokes the family.
 */
export const refreshRetryGraceMs = 10_000;
/** Used secrets kept per family for reuse detection; an older one is just "unknown". */
const usedSecretsKept = 50;

interface FamilyRow extends Record<string, SqlStorageValue> {
  id: string;
  device: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
}

interface TokenRow extends FamilyRow {
  used_at: number | null;
}

/**
 * The bindings this object reads; a subset of the Worker's `WorkerBindings`, declared here because
 * bindings.ts names this class for the namespace's typed stub (so the import runs one way only).
 */
export interface SessionObjectEnv {
  HYPERDRIVE: Hyperdrive;
  /** The shared relay to `events.outbox` (one kept connection); without it each alarm opens its own connection. */
  OUTBOX_RELAY?: DurableObjectNamespace<OutboxRelay>;
}

/**
 * One user's refresh-token families (one per sign-in/device), in the DO's
 * SQLite storage (layout: ./storage-schema.md). Every method does its reads and
 * writes without an await in between, so two refreshes of the same secret
 * cannot both succeed: the DO runs one of them to the end first.
 */
export class SessionDurableObject extends DurableObject<SessionObjectEnv> implements SessionStore, StreamLeaseStore {
  private readonly sql: SqlStorage;
  private successorKey: CryptoKey | undefined;
  /**
   * When the stored alarm is due (null: none), mirrored in memory so arming it
   * costs no storage read per play: only this object sets it, and `alarm()`
   * clears the mirror before anything else.
   */
  private alarmAt: number | null = null;
  /** The relay in progress, and whether events were queued since it last looked. */
  private relaying: Promise<void> | null = null;
  private relayRequested = false;
  /**
   * The last queued event known to be in `events.outbox` but still stored here: deleted in
   * the next commit this object makes anyway (a play, a finish, the alarm), not in a commit
   * of its own per relay. Lost with the object, which then relays those rows once more: a no-op.
   */
  private relayedThrough = 0;
  private deletedThrough = 0;

  constructor(ctx: DurableObjectState, env: SessionObjectEnv) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      migrateSessionSchema(this.sql);
      this.successorKey = await this.loadSuccessorKey();
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  private async loadSuccessorKey(): Promise<CryptoKey> {
    let stored = this.sql.exec<{ key: string }>("select key from object_keys where name = 'successor'").toArray()[0]?.key;
    if (!stored) {
      stored = newSecret();
      this.sql.exec("insert into object_keys (name, key) values ('successor', ?)", stored);
    }
    return crypto.subtle.importKey("raw", new TextEncoder().encode(stored), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  async open(client: ClientInfo): Promise<OpenedSession> {
    const now = Date.now();
    const secret = newSecret();
    const hash = await hashSecret(secret);
    const id = crypto.randomUUID();
    const expiresAt = now + sessionLifetimes.idleMs;
    this.sql.exec(
      "insert into families (id, device, user_agent, ip, created_at, last_used_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)",
      id,
      client.device,
      client.userAgent,
      client.ip,
      now,
      now,
      expiresAt,
    );
    this.sql.exec("insert into tokens (hash, family_id, issued_at) values (?, ?, ?)", hash, id, now);
    await this.scheduleCleanup(expiresAt);
    return { sessionId: id, secret, expiresAt: new Date(expiresAt).toISOString() };
  }

  async rotate(secret: string, client: ClientInfo): Promise<RotateResult> {
    const hash = await hashSecret(secret);
    this.successorKey ??= await this.loadSuccessorKey();
    const key = this.successorKey;
    const next = await successorSecret(key, secret);
    const nextHash = await hashSecret(next);
    const now = Date.now();
    // From here on no await until the writes are done.
    const row = this.sql.exec<TokenRow>("select f.*, t.used_at from tokens t join families f on f.id = t.family_id where t.hash = ?", hash).toArray()[0];
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revoked_at !== null) return { ok: false, reason: "revoked" };
    if (row.used_at !== null) {
      // A retry of the refresh that just happened: the same successor, if it is still unused.
      const successor = this.sql.exec<{ used_at: number | null }>("select used_at from tokens where hash = ? and family_id = ?", nextHash, row.id).toArray()[0];
      if (successor && successor.used_at === null && now - row.used_at <= refreshRetryGraceMs && row.expires_at > now) {
        return { ok: true, sessionId: row.id, secret: next, expiresAt: new Date(row.expires_at).toISOString() };
      }
      this.sql.exec("update families set revoked_at = ?, revoked_reason = 'reuse' where id = ?", now, row.id);
      return { ok: false, reason: "reused" };
    }
    if (row.expires_at <= now) return { ok: false, reason: "expired" };
    const expiresAt = Math.min(now + sessionLifetimes.idleMs, row.created_at + sessionLifetimes.absoluteMs);
    this.sql.exec("update tokens set used_at = ? where hash = ?", now, hash);
    this.sql.exec("insert into tokens (hash, family_id, issued_at) values (?, ?, ?)", nextHash, row.id, now);
    this.sql.exec(
      "update families set last_used_at = ?, expires_at = ?, ip = coalesce(?, ip), user_agent = coalesce(?, user_agent) where id = ?",
      now,
      expiresAt,
      client.ip,
      client.userAgent,
      row.id,
    );
    this.sql.exec(
      `delete from tokens where family_id = ? and used_at is not null and hash not in
         (select hash from tokens where family_id = ? and used_at is not null order by used_at desc limit ?)`,
      row.id,
      row.id,
      usedSecretsKept,
    );
    return { ok: true, sessionId: row.id, secret: next, expiresAt: new Date(expiresAt).toISOString() };
  }

  async revoke(sessionId: string): Promise<boolean> {
    const cursor = this.sql.exec(
      "update families set revoked_at = ?, revoked_reason = 'revoked' where id = ? and revoked_at is null and expires_at > ?",
      Date.now(),
      sessionId,
      Date.now(),
    );
    return cursor.rowsWritten > 0;
  }

  async revokeAll(options: { except?: string } = {}): Promise<number> {
    const now = Date.now();
    const cursor = this.sql.exec(
      "update families set revoked_at = ?, revoked_reason = 'revoked' where revoked_at is null and expires_at > ? and id is not ?",
      now,
      now,
      options.except ?? null,
    );
    return cursor.rowsWritten;
  }

  async revokeBySecret(secret: string): Promise<boolean> {
    const hash = await hashSecret(secret);
    const row = this.sql.exec<{ family_id: string }>("select family_id from tokens where hash = ?", hash).toArray()[0];
    return row ? this.revoke(row.family_id) : false;
  }

  async list(): Promise<SessionInfo[]> {
    return this.sql
      .exec<FamilyRow>("select * from families where revoked_at is null and expires_at > ? order by last_used_at desc", Date.now())
      .toArray()
      .map((row) => ({
        id: row.id,
        device: row.device,
        userAgent: row.user_agent,
        ip: row.ip,
        createdAt: new Date(row.created_at).toISOString(),
        lastUsedAt: new Date(row.last_used_at).toISOString(),
        expiresAt: new Date(row.expires_at).toISOString(),
      }));
  }

  async isActive(sessionId: string): Promise<boolean> {
    return this.sql.exec("select 1 from families where id = ? and revoked_at is null and expires_at > ?", sessionId, Date.now()).toArray().length > 0;
  }

  async startStream(input: StartStreamInput): Promise<StartStreamResult> {
    this.forgetRelayed();
    const { result, expiresAt } = streamLease.startStream(this.sql, input);
    if (result.ok && result.created && expiresAt !== null) await this.relayNewEvents();
    else if (expiresAt !== null) await this.scheduleCleanup(expiresAt);
    return result;
  }

  async isStreamLeaseActive(leaseId: string): Promise<boolean> {
    return streamLease.isStreamLeaseActive(this.sql, leaseId);
  }

  async finishPlay(playId: string, positionMs: number, events: PlayEventContext): Promise<FinishPlayResult> {
    this.forgetRelayed();
    const result = streamLease.finishPlay(this.sql, playId, positionMs, events);
    if (result.ok && result.firstFinish) await this.relayNewEvents();
    return result;
  }

  /**
   * Relays queued playback events to PostgreSQL (retried every few seconds
   * while it fails), then drops families past their expiry (revoked ones stay
   * until then, so replays keep failing loudly) and old plays.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    let relayFailed = false;
    this.forgetRelayed();
    if (hasEventsAfter(this.sql, this.relayedThrough)) {
      try {
        await this.relayQueued();
      } catch (error) {
        relayFailed = true;
        createLogger({ service: "session" }).warn("playback event relay failed; retrying", { error });
      }
    }
    this.forgetRelayed();
    const now = Date.now();
    this.sql.exec("delete from tokens where family_id in (select id from families where expires_at <= ?)", now);
    this.sql.exec("delete from families where expires_at <= ?", now);
    streamLease.deleteExpiredPlays(this.sql, now);
    const candidates = [
      this.nextExpiry(),
      // Events queued while relaying go out with the next batch; a failed relay is retried shortly.
      hasEventsAfter(this.sql, this.relayedThrough) ? now + (relayFailed ? relayRetryMs : relayDelayMs) : null,
    ].filter((at): at is number => at !== null);
    // Set even when the mirror says so: the runtime drops a fired alarm unless its handler sets one.
    if (candidates.length > 0) {
      this.alarmAt = Math.min(...candidates);
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
  }

  /**
   * Events were just queued: relay them at once, behind the answer, instead of from an
   * alarm per play. The alarm is armed (no later than a few seconds out) in the same commit
   * as the events, as the safety net should this object die or the relay fail. A relay that
   * succeeds leaves it there: moving it back to the next expiry was a storage write per play
   * that the next play undid (under workerd the two alarm writes were most of /stream's
   * latency), while the early alarm, when it fires, finds nothing queued and re-arms itself
   * for the next expiry -- one write per burst of plays instead of two per play. Outgoing
   * calls wait for the commit (the output gate), so no event leaves before its play is stored.
   */
  private async relayNewEvents(): Promise<void> {
    await this.scheduleCleanup(Date.now() + relayRetryMs);
    void this.relayQueued().catch((error: unknown) => createLogger({ service: "session" }).warn("playback event relay failed; the alarm retries", { error }));
  }

  /**
   * Moves every queued event out, one relay at a time so they leave in order;
   * events queued while it runs go in a further round of the same relay.
   */
  private relayQueued(): Promise<void> {
    this.relayRequested = true;
    this.relaying ??= (async () => {
      try {
        while (this.relayRequested) {
          this.relayRequested = false;
          const target = this.env.OUTBOX_RELAY
            ? outboxRelayFor(this.env.OUTBOX_RELAY, this.ctx.id.toString())
            : createEdgeDatabase(this.env.HYPERDRIVE.connectionString);
          try {
            this.relayedThrough = (await relayEventsAfter(this.sql, target, this.relayedThrough)).through;
          } finally {
            if (target instanceof Kysely) await target.destroy().catch(() => undefined);
          }
        }
      } finally {
        this.relaying = null;
      }
    })();
    return this.relaying;
  }

  /** Deletes the relayed events still stored; called only where the object commits anyway. */
  private forgetRelayed(): void {
    if (this.relayedThrough <= this.deletedThrough) return;
    deleteRelayedEvents(this.sql, this.relayedThrough);
    this.deletedThrough = this.relayedThrough;
  }

  /** The earliest expiry of a family or a play: when the alarm has cleaning to do. */
  private nextExpiry(): number | null {
    const at = [this.sql.exec<{ at: number | null }>("select min(expires_at) as at from families").one().at, streamLease.nextPlayExpiry(this.sql)].filter(
      (value): value is number => value !== null,
    );
    return at.length > 0 ? Math.min(...at) : null;
  }

  private async scheduleCleanup(at: number): Promise<void> {
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}
