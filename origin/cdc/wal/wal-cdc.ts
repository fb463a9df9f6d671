import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { EventLog } from "../../events/event-log.ts";
import type { RunningService } from "../../service.ts";
import { changeEventId } from "../event-id.ts";
import { logEvent, outboxEvent, relayed, type RelayedEvent } from "../relayed-event.ts";
import { sleep } from "../sleep.ts";
import { trackChangeEvent, trackTable } from "../track-change-event.ts";
import { ReplicationSession } from "./replication-session.ts";
import { publicationNames, readSlot } from "./replication-setup.ts";
import type { WalTransaction } from "./transactions.ts";

export interface WalCdcOptions {
  db: Kysely<Database>;
  /** A plain (non-pooled) URL of the database: replication connections bypass poolers. */
  connectionString: string;
  slot: string;
  log: EventLog;
  logger: Logger;
  /** First reconnect delay after a failure; doubles up to 5 s. */
  retryDelayMs?: number;
}

const outboxTextColumns: ReadonlyMap<string, ReadonlySet<string>> = new Map([["events.outbox", new Set(["event", "created_at", "relayed_at"])]]);

/** Turns committed transactions into the events they announce, in commit order. */
export function eventsOf(transactions: readonly WalTransaction[], slot: string, logger: Logger): RelayedEvent[] {
  const events: RelayedEvent[] = [];
  for (const transaction of transactions) {
    for (const change of transaction.changes) {
      if (change.table === "events.outbox") {
        if (change.op !== "c" || !change.after) continue;
        const event = outboxEvent(change.after, change.lsn);
        if (event) events.push(event);
        // Only writeOutbox writes the outbox, so this is a bug or a hand-made
        // row; stopping the stream for it would stop every other event.
        else logger.error("cdc: outbox row without a valid event; skipped", { lsn: change.lsn, row: change.after.id });
      } else if (change.table === trackTable) {
        const row = change.after ?? change.before;
        const key = typeof row?.id === "string" ? row.id : "";
        const id = changeEventId({ slot, lsn: change.lsn, table: change.table, key });
        events.push(relayed(trackChangeEvent(change, id, transaction.commitTime), change.lsn));
      }
    }
  }
  return events;
}

/**
 * WAL mode: streams the slot and publishes each transaction's events to the
 * log before confirming it. Reconnects with backoff after any failure,
 * always from the slot's confirmed position (never from what it had merely
 * received), so a lost connection or a dead log loses nothing.
 */
export function startWalCdc(options: WalCdcOptions): RunningService {
  const { logger } = options;
  let session: ReplicationSession | null = null;
  let stopped = false;
  const wake = new AbortController();

  async function handle(transactions: WalTransaction[]): Promise<void> {
    const events = eventsOf(transactions, options.slot, logger);
    const through = transactions.at(-1)?.commitEndLsn;
    logger.debug("cdc: publishing", { transactions: transactions.length, events: events.length, through });
    if (events.length > 0) await options.log.publish(events.map((event) => event.record));
    logger.debug("cdc: published", { events: events.length, through });
    for (const event of events) logEvent(logger, event);
  }

  const loop = (async function replicate() {
    let failures = 0;
    let busyStreak = 0;
    while (!stopped) {
      try {
        const confirmedLsn = (await readSlot(options.db, options.slot)) ?? "0/0";
        // stop() may have run while the slot was read: it found no session to stop,
        // so one started now would stream forever and `await loop` would never end.
        if (stopped) break;
        session = new ReplicationSession({
          connectionString: options.connectionString,
          slot: options.slot,
          publications: publicationNames,
          confirmedLsn,
          jsonSchemas: new Set(["catalog"]),
          // The envelope goes to the log as the jsonb text PostgreSQL sent (see outboxEvent).
          textColumns: outboxTextColumns,
          handle,
          log: logger,
        });
        logger.info("cdc: streaming", { slot: options.slot, from: confirmedLsn });
        await session.run();
        failures = 0;
        busyStreak = 0;
      } catch (error) {
        if (stopped) break;
        // "Slot is active for PID n": another CDC process streams it (this one
        // waits as a standby), or a killed one's walsender has not noticed yet.
        const slotBusy = typeof error === "object" && error !== null && "code" in error && error.code === "55006";
        const delay = slotBusy ? 1_000 : Math.min(5_000, (options.retryDelayMs ?? 250) * 2 ** failures);
        if (slotBusy && busyStreak++ === 0) logger.info("cdc: slot in use by another process; retrying every second", { slot: options.slot });
        if (!slotBusy) {
          failures++;
          busyStreak = 0;
          logger.warn("cdc: replication interrupted; reconnecting", { error, delayMs: delay });
        }
        await sleep(delay, wake.signal);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake.abort();
      await session?.stop();
      await loop;
    },
  };
}
