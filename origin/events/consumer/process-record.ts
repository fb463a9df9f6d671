import { sql } from "kysely";
import type { Logger } from "../../../shared/logger.ts";
import type { LogRecord } from "../event-log.ts";
import { type DeadLetterReason, deadLetterRecord } from "./dead-letter.ts";
import { handleOnce } from "./inbox.ts";
import type { Prepared } from "./prepare.ts";
import { type EarlierFailure, retry } from "./retry.ts";
import type { ConsumerOptions } from "./types.ts";

/** Thrown out of a batch when stopping cut a retry short: the port then leaves the batch uncommitted. */
export class ConsumerStoppingError extends Error {
  override readonly name = "ConsumerStoppingError";
}

export type Handleable = Extract<Prepared, { kind: "handle" }>;

/**
 * One event on its own: handled exactly once in effect (inbox + effects in one
 * transaction), retried with backoff, and parked on the dead-letter topic
 * after `maxAttempts`. Resolves when the record may be committed.
 */
export function createEventProcessor(options: ConsumerOptions, stopping: AbortSignal) {
  const { db, group, log } = options;

  async function deadLetter(record: LogRecord, reason: DeadLetterReason, error: unknown, attempts: number, logger: Logger): Promise<void> {
    const parked = deadLetterRecord(record, { reason, error, attempts, group });
    await log.publish([parked]);
    logger.error("event dead-lettered", {
      reason,
      attempts,
      error,
      deadLetterTopic: parked.topic,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
    });
  }

  async function handleAlone({ record, event, handler, logger }: Handleable, earlier?: EarlierFailure): Promise<void> {
    const started = performance.now();
    const outcome = await retry(
      async (attempt) => {
        const result = await handleOnce(db, group, event.id, (trx) =>
          handler(event, trx, { logger: attempt > 1 ? logger.child({ attempt }) : logger, traceparent: event.traceparent, record, attempt }),
        );
        if (result === "duplicate") logger.debug("duplicate event ignored");
      },
      options.retry,
      stopping,
      (error, attempt, delayMs) => logger.warn("event handler failed; retrying", { attempt, delayMs, error }),
      earlier,
    );
    if (outcome.ok) {
      logger.debug("event handled", { attempts: outcome.attempts, ms: Math.round(performance.now() - started) });
      return;
    }
    if ("stopped" in outcome) throw new ConsumerStoppingError(`consumer ${group} stopping; event ${event.id} will be redelivered`);
    // A database outage fails every handler alike; that is no reason to park events.
    await sql`select 1`.execute(db);
    await deadLetter(record, "handler-failed", outcome.error, outcome.attempts, logger);
  }

  return { handleAlone, deadLetter };
}
