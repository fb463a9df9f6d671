import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { EventLog, LogRecordInput } from "../../events/event-log.ts";
import type { RunningService } from "../../service.ts";
import { logEvent, outboxEvent, type RelayedEvent } from "../relayed-event.ts";
import { sleep } from "../sleep.ts";

/**
 * Where the relay puts events. A log living in the same database appends
 * inside the relay's transaction, so appending and marking rows relayed
 * commit together: exactly once. Any other log (Kafka) is published to before
 * the rows are marked: at least once, the duplicates carrying the same ids.
 */
export type RelaySink =
  | {
      kind: "same-transaction";
      append(trx: Kysely<Database>, records: readonly LogRecordInput[]): Promise<unknown>;
      /** Called after the commit, with the topics that got records. */
      wake?(topics: readonly string[]): void;
    }
  | { kind: "external"; log: EventLog };

export interface RelayOptions {
  db: Kysely<Database>;
  sink: RelaySink;
  logger: Logger;
  batchSize?: number;
  /** Poll interval while the outbox is empty and nothing hints at writes. */
  idleDelayMs?: number;
  /**
   * Tells the relay that an outbox write committed (the embedded database's
   * `tableWriteHints` for the outbox and the tables whose capture triggers write it). With it the relay waits for a hint, polling only every
   * `safetyPollMs`, instead of every `idleDelayMs`.
   */
  hints?: { subscribe(listener: () => void): () => void };
  /** With `hints`: the poll that catches what no hint announced (default 5 s). */
  safetyPollMs?: number;
}

// One relay at a time keeps the outbox's seq order on the log; a second CDC
// process stays idle until the first one's transaction ends.
const relayLockKey = 74_142_812;

/** Moves one batch of unrelayed outbox rows, in seq order; returns them. */
export async function relayBatch(options: RelayOptions): Promise<RelayedEvent[]> {
  const limit = options.batchSize ?? 500;
  const events = await options.db.transaction().execute(async (trx) => {
    const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${relayLockKey}) as locked`.execute(trx);
    if (!lock.rows[0]?.locked) return [];
    const rows = await trx
      .selectFrom("events.outbox")
      .select(["seq", "id", "topic", "key", "type", "event"])
      .where("relayed_at", "is", null)
      .orderBy("seq")
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const events: RelayedEvent[] = [];
    for (const row of rows) {
      const event = outboxEvent(row, row.seq);
      // A malformed row cannot become an event; it is marked so it does not
      // come back forever, and logged with its id for a human to look at.
      if (event) events.push(event);
      else options.logger.error("cdc: outbox row without a valid event; marked relayed without publishing", { seq: row.seq, id: row.id });
    }
    const records = events.map((event) => event.record);
    if (records.length > 0) {
      if (options.sink.kind === "same-transaction") await options.sink.append(trx, records);
      else await options.sink.log.publish(records);
    }
    await trx
      .updateTable("events.outbox")
      .set({ relayed_at: sql<Date>`now()` })
      .where(
        "seq",
        "in",
        rows.map((row) => row.seq),
      )
      .execute();
    return events;
  });
  if (events.length > 0 && options.sink.kind === "same-transaction") options.sink.wake?.([...new Set(events.map((event) => event.topic))]);
  return events;
}

/**
 * Trigger mode's relay loop: drains the outbox in batches whenever a hint says
 * something was written (else on its poll), backs off after failures.
 */
export function startRelay(options: RelayOptions): RunningService {
  const limit = options.batchSize ?? 500;
  const stop = new AbortController();
  // Set by a hint at any time, also while a batch runs: that batch may have read before the hinted commit.
  let hinted = false;
  let wakeUp: (() => void) | null = null;
  const unsubscribe = options.hints?.subscribe(() => {
    hinted = true;
    wakeUp?.();
  });
  const waitForHint = async (ms: number): Promise<void> => {
    if (!hinted) {
      const woken = new AbortController();
      wakeUp = () => woken.abort();
      await sleep(ms, AbortSignal.any([stop.signal, woken.signal]));
      wakeUp = null;
    }
    hinted = false;
  };
  const loop = (async function relay() {
    let failures = 0;
    while (!stop.signal.aborted) {
      try {
        const events = await relayBatch(options);
        failures = 0;
        for (const event of events) logEvent(options.logger, event);
        if (events.length < limit) {
          if (options.hints) await waitForHint(options.safetyPollMs ?? 5_000);
          else await sleep(options.idleDelayMs ?? 50, stop.signal);
        }
      } catch (error) {
        const delay = Math.min(30_000, 200 * 2 ** failures++);
        options.logger.warn("cdc: relaying the outbox failed; retrying", { error, delayMs: delay });
        await sleep(delay, stop.signal);
      }
    }
  })();
  return {
    async stop() {
      stop.abort();
      await loop;
      unsubscribe?.();
    },
  };
}
