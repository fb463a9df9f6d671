/**
 * One consumer-group member of the embedded log: a loop that rebalances its
 * leases between batches, fetches every held partition in one query, hands
 * each partition's batch to the handler (partitions concurrently, a partition
 * never twice at once) and commits each batch's position once it resolved.
 */
import type { Logger } from "../../shared/logger.ts";
import type { Consumer, LogRecord } from "./event-log.ts";
import {
  acquireLeases,
  commitPosition,
  joinGroup,
  leaveGroup,
  releaseLeases,
  targetAssignment,
  type Beat,
  type GroupView,
  type MemberIdentity,
  type PartitionRef,
} from "./postgres-event-log-leases.ts";
import { fetchBatches, slot } from "./postgres-event-log-fetch.ts";
import { joinHeartbeat } from "./postgres-event-log-heartbeats.ts";
import { hintedSafetyPollMs, tableWriteHints } from "../platform/table-write-hints.ts";
import type { Run } from "./postgres-event-log-session.ts";

export interface MemberSettings {
  handle: (records: LogRecord[]) => Promise<void>;
  from: "earliest" | "latest";
  maxBatchSize: number;
  pollIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Whether the embedded database of this process hints this log's writes (then polls are a slow safety net). */
  writeHints: () => boolean;
  /** Members with the same key (same database and period) share one heartbeat. */
  heartbeatKey: string;
  redeliveryDelayMs: number;
  logger: Logger;
  /** Tells the group's other members (here and elsewhere) to rebalance now. */
  announce: (group: string) => void;
  onStopped: () => void;
}

/** Appends from any client of the embedded database write here (appendToLog). */
const logRecordsTable = "events.log_records";

interface Held extends PartitionRef {
  position: bigint;
  pausedUntil: number;
}

export class PostgresLogMember implements Consumer {
  readonly #held = new Map<string, Held>();
  #stopRequested = false;
  #stopping: Promise<void> | null = null;
  #loop: Promise<void> = Promise.resolve();
  #leaveHeartbeat: (() => Promise<void>) | null = null;
  #rebalanceAt = 0;
  /** What the last rebalance computed the assignment from, while this member holds its whole target; else null. */
  #settledOn: GroupView | null = null;
  #groupChanges = 0;
  #woken = false;
  #wakeIdle: (() => void) | null = null;

  private readonly run: Run;
  readonly identity: MemberIdentity;
  private readonly settings: MemberSettings;

  constructor(run: Run, identity: MemberIdentity, settings: MemberSettings) {
    this.run = run;
    this.identity = identity;
    this.settings = settings;
  }

  async start(): Promise<void> {
    await this.run((db) => joinGroup(db, this.identity));
    this.settings.announce(this.identity.group);
    this.#leaveHeartbeat = joinHeartbeat(
      this.settings.heartbeatKey,
      this.settings.heartbeatIntervalMs,
      { identity: this.identity, run: this.run, wantsView: () => this.#settledOn !== null, beat: (beat) => this.#beat(beat) },
      this.settings.logger,
    );
    this.#loop = this.#consumeLoop();
  }

  /** New records on one of its topics ("records") or a membership change ("group"). */
  wake(reason: "records" | "group"): void {
    if (reason === "group") {
      this.#rebalanceAt = 0;
      this.#settledOn = null;
      this.#groupChanges++;
    }
    this.#woken = true;
    this.#wakeIdle?.();
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#stopRequested = true;
    this.wake("records");
    await this.#loop;
    await this.#leaveHeartbeat?.();
    try {
      await this.run((db) => leaveGroup(db, this.identity));
      this.settings.announce(this.identity.group);
    } catch (error) {
      // The leases then expire after their TTL and the group moves on.
      this.settings.logger.warn("event log member could not leave its group", { group: this.identity.group, error });
    }
    this.settings.onStopped();
  }

  #beat({ held, view }: Beat): void {
    const settled = this.#settledOn;
    if (held.length !== this.#held.size) this.wake("group");
    // A member that joined, left or lapsed (in any process: on the embedded database there is no
    // NOTIFY between processes), or a topic that appeared, changes the assignment: rebalance now.
    else if (settled && view && (view.expired > 0 || view.members !== settled.members || view.topics !== settled.topics)) this.wake("group");
  }

  async #consumeLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopRequested) {
      try {
        if (Date.now() >= this.#rebalanceAt) await this.#rebalance();
        const hinted = this.settings.writeHints();
        const since = tableWriteHints.version(logRecordsTable);
        const busy = await this.#round();
        failures = 0;
        if (!busy) {
          // With write hints an append from any client wakes the member, so the poll is only a safety net; a
          // paused partition (a rejected batch) is still retried on time.
          const poll = hinted ? Math.max(this.settings.pollIntervalMs, hintedSafetyPollMs) : this.settings.pollIntervalMs;
          const retryAt = Math.min(...[...this.#held.values()].map((held) => (held.pausedUntil > Date.now() ? held.pausedUntil : Number.POSITIVE_INFINITY)));
          await this.#idle(Math.max(0, Math.min(poll, this.#rebalanceAt - Date.now(), retryAt - Date.now())), hinted ? since : null);
        }
      } catch (error) {
        failures++;
        this.settings.logger.warn("event log consumer round failed; retrying", { group: this.identity.group, failures, error });
        await this.#idle(Math.min(this.settings.pollIntervalMs * 2 ** failures, 5_000));
      }
    }
  }

  async #rebalance(): Promise<void> {
    this.#rebalanceAt = Date.now() + this.settings.heartbeatIntervalMs;
    this.#settledOn = null;
    const changesBefore = this.#groupChanges;
    let released = 0;
    const {
      acquired,
      wanted: wantedCount,
      view,
    } = await this.run(async (db) => {
      const { target, view } = await targetAssignment(db, this.identity);
      const wanted = new Set(target.map(slot));
      const surplus = [...this.#held.values()].filter((held) => !wanted.has(slot(held)));
      await releaseLeases(db, this.identity, surplus);
      // Forget them now: should what follows fail, this member must not go on
      // reading partitions another may already hold. (A lease that survives a
      // rollback is released again by the next rebalance.)
      for (const held of surplus) this.#held.delete(slot(held));
      released = surplus.length;
      return { acquired: await acquireLeases(db, this.identity, target, this.settings.from), wanted: target.length, view };
    });
    const previous = new Map(this.#held);
    this.#held.clear();
    for (const lease of acquired) {
      this.#held.set(slot(lease), { ...lease, pausedUntil: previous.get(slot(lease))?.pausedUntil ?? 0 });
    }
    if (released > 0) this.settings.announce(this.identity.group);
    // Holding the whole target, another rebalance would change nothing until the group changes, which the
    // heartbeat watches (viewGroup). A partition still held by another (not yet released, or its holder's
    // lease not yet lapsed) is retried every heartbeat period as before.
    // A group change announced meanwhile may not be in `view`: then rebalance again.
    if (acquired.length === wantedCount && changesBefore === this.#groupChanges && !this.#stopRequested) {
      this.#settledOn = view;
      this.#rebalanceAt = Number.POSITIVE_INFINITY;
    }
  }

  /** One fetch and the handling of what it returned; false when there was nothing to do. */
  async #round(): Promise<boolean> {
    const now = Date.now();
    const ready = [...this.#held.values()].filter((held) => held.pausedUntil <= now);
    if (ready.length === 0) return false;
    const batches = await this.run((db) => fetchBatches(db, ready, this.settings.maxBatchSize));
    if (batches.size === 0 || this.#stopRequested) return false;
    const outcomes = await Promise.allSettled([...batches].map(([key, records]) => this.#deliver(key, records)));
    const failed = outcomes.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    return true;
  }

  async #deliver(key: string, records: LogRecord[]): Promise<void> {
    const held = this.#held.get(key);
    const last = records.at(-1);
    if (!held || !last) return;
    try {
      await this.settings.handle(records);
    } catch (error) {
      held.pausedUntil = Date.now() + this.settings.redeliveryDelayMs;
      this.settings.logger.warn("event log handler rejected a batch; it will be redelivered", {
        group: this.identity.group,
        topic: held.topic,
        partition: held.partition,
        offset: records[0]?.offset,
        error,
      });
      return;
    }
    const next = BigInt(last.offset) + 1n;
    if (await this.run((db) => commitPosition(db, this.identity, held, next))) {
      held.position = next;
      return;
    }
    this.settings.logger.warn("event log member lost its lease mid-batch; the new holder redelivers it", {
      group: this.identity.group,
      topic: held.topic,
      partition: held.partition,
    });
    this.#held.delete(key);
    this.#rebalanceAt = 0;
  }

  /** Waits `ms`, until woken, or (given the hint version read before the last fetch) until the log is written. */
  #idle(ms: number, hintedSince: number | null = null): Promise<void> {
    if (this.#woken || this.#stopRequested || (hintedSince !== null && tableWriteHints.version(logRecordsTable) !== hintedSince)) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe?.();
        this.#wakeIdle = null;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      const unsubscribe = hintedSince === null ? null : tableWriteHints.subscribe(logRecordsTable, done);
      this.#wakeIdle = done;
    });
  }
}
