import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { topicSpecs } from "../../shared/events/topics.ts";
import type { Logger } from "../../shared/logger.ts";
import type { EventLog } from "../events/event-log.ts";
import type { RunningService } from "../service.ts";
import { resolveCdcMode, type CdcMode } from "./mode.ts";
import { startOutboxCleanup } from "./outbox-cleanup.ts";
import { hintedSafetyPollMs, tableWriteHints } from "../platform/table-write-hints.ts";
import { installCaptureTriggers, removeCaptureTriggers } from "./trigger/capture-triggers.ts";
import { relayBatch, startRelay, type RelaySink } from "./trigger/relay.ts";
import { ensurePublications, ensureSlot } from "./wal/replication-setup.ts";
import { startWalCdc } from "./wal/wal-cdc.ts";

// Where trigger mode's outbox rows come from: direct writes, and catalog.tracks's capture trigger.
const outboxWritingTables = ["events.outbox", "catalog.tracks"] as const;
const outboxHints = { subscribe: (listener: () => void) => tableWriteHints.subscribeAll(outboxWritingTables, listener) };

export interface CdcOptions {
  db: Kysely<Database>;
  /** URL of the database; WAL mode opens its replication connection with it. */
  connectionString: string;
  mode: "auto" | CdcMode;
  slot: string;
  log: EventLog;
  /** How trigger mode's relay writes to `log` (same transaction when the log lives in this database). */
  sink: RelaySink;
  logger: Logger;
  outboxRetentionMinutes: number;
  cleanupIntervalMs?: number;
  relayIdleDelayMs?: number;
  /** Trigger mode with the embedded database's write hints: the safety poll (default hintedSafetyPollMs, 60 s). */
  relaySafetyPollMs?: number;
}

export interface RunningCdc extends RunningService {
  mode: CdcMode;
}

/**
 * The CDC (CDP) service: in WAL mode it streams the database's logical
 * replication slot; in trigger mode triggers capture catalog changes into the
 * outbox and a relay drains it. Either way the events land on the log with
 * the same shapes and ids that survive replays.
 */
export async function startCdc(options: CdcOptions): Promise<RunningCdc> {
  const mode = await resolveCdcMode(options.db, options.mode);
  const logger = options.logger.child({ cdcMode: mode });
  await options.log.ensureTopics(topicSpecs());
  const parts: RunningService[] = [];
  if (mode === "wal") {
    await removeCaptureTriggers(options.db);
    await ensurePublications(options.db);
    const slot = await ensureSlot(options.db, options.slot);
    if (slot.created) {
      // The new slot streams only what commits from now on: rows already
      // waiting in the outbox go out through the relay, once.
      let moved = 0;
      for (let batch = await relayBatch(relayOptions(options, logger)); batch.length > 0; batch = await relayBatch(relayOptions(options, logger)))
        moved += batch.length;
      logger.info("cdc: created replication slot", { slot: options.slot, at: slot.confirmedLsn, backlogRelayed: moved });
    }
    parts.push(startWalCdc({ db: options.db, connectionString: options.connectionString, slot: options.slot, log: options.log, logger }));
  } else {
    await installCaptureTriggers(options.db);
    // The embedded database in this process announces outbox writes: wait for those, with the work loops'
    // slow safety poll. Otherwise (the relay in another process than PGlite, or a server without logical WAL) poll.
    const hints = tableWriteHints.covers(options.connectionString) ? { hints: outboxHints, safetyPollMs: options.relaySafetyPollMs ?? hintedSafetyPollMs } : {};
    parts.push(startRelay({ ...relayOptions(options, logger), idleDelayMs: options.relayIdleDelayMs ?? 50, ...hints }));
  }
  parts.push(
    startOutboxCleanup({
      db: options.db,
      mode,
      retentionMinutes: options.outboxRetentionMinutes,
      logger,
      ...(options.cleanupIntervalMs ? { intervalMs: options.cleanupIntervalMs } : {}),
    }),
  );
  logger.info("cdc started", { mode, slot: mode === "wal" ? options.slot : undefined });
  return {
    mode,
    async stop() {
      for (const part of parts.reverse()) await part.stop();
      logger.info("cdc stopped");
    },
  };
}

function relayOptions(options: CdcOptions, logger: Logger) {
  return { db: options.db, sink: options.sink, logger };
}
