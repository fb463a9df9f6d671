/**
 * One heartbeat for the members of the embedded log that share a database
 * and a period. The origin runs about fifteen consumer groups in one process;
 * each member renewing its lease in its own transaction every few seconds was
 * most of what an idle system did. Now one transaction per period renews
 * them all (`heartbeatAll`), and hands each member its leases and group view.
 */
import type { Logger } from "../../shared/logger.ts";
import { heartbeatAll, type Beat, type MemberIdentity } from "./postgres-event-log-leases.ts";
import type { Run } from "./postgres-event-log-session.ts";

export interface HeartbeatMember {
  readonly identity: MemberIdentity;
  /** Its database work, through its own pool: any member's serves the whole beat. */
  readonly run: Run;
  /** Whether this beat should read its group view too (see GroupView). */
  wantsView(): boolean;
  beat(result: Beat): void;
}

class SharedHeartbeat {
  readonly #members = new Set<HeartbeatMember>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly logger: Logger;
  private readonly onEmpty: () => void;

  constructor(intervalMs: number, logger: Logger, onEmpty: () => void) {
    this.intervalMs = intervalMs;
    this.logger = logger;
    this.onEmpty = onEmpty;
  }

  add(member: HeartbeatMember): void {
    this.#members.add(member);
    this.#timer ??= setInterval(() => {
      // A slow database must not pile up heartbeats.
      this.#running ??= this.#beat().finally(() => {
        this.#running = null;
      });
    }, this.intervalMs);
  }

  /** Resolves once no beat in flight can still use the member's pool. */
  async remove(member: HeartbeatMember): Promise<void> {
    this.#members.delete(member);
    if (this.#members.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.onEmpty();
    }
    await this.#running;
  }

  async #beat(): Promise<void> {
    const members = [...this.#members];
    const first = members[0];
    if (!first) return;
    try {
      const beats = await first.run((db) =>
        heartbeatAll(
          db,
          members.map((member) => member.identity),
          members.map((member) => member.wantsView()),
        ),
      );
      members.forEach((member, index) => {
        const beat = beats[index];
        if (beat && this.#members.has(member)) member.beat(beat);
      });
    } catch (error) {
      // Their leases then lapse after the TTL, as each member's own heartbeat failing did.
      this.logger.warn("event log heartbeat failed", { groups: [...new Set(members.map((member) => member.identity.group))], error });
    }
  }
}

const shared = new Map<string, SharedHeartbeat>();

/**
 * Adds `member` to the heartbeat of `key` (members with the same key share
 * one database and period); returns the leaver, which waits for a beat in flight.
 */
export function joinHeartbeat(key: string, intervalMs: number, member: HeartbeatMember, logger: Logger): () => Promise<void> {
  let heartbeat = shared.get(key);
  if (!heartbeat) {
    const created = new SharedHeartbeat(intervalMs, logger, () => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    heartbeat = created;
  }
  const joined = heartbeat;
  joined.add(member);
  return () => joined.remove(member);
}
