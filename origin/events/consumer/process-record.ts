import { sql } from "kysely";
import type { EventType } from "../../../shared/events/catalog.ts";
import { parseTraceparent } from "../../../shared/events/traceparent.ts";
import type { LogRecord } from "../event-log.ts";
import { type DeadLetterReason, deadLetterRecord } from "./dead-letter.ts";
import { decodeData, decodeEnvelope, hasKnownType } from "./decode.ts";
import { handleOnce } from "./inbox.ts";
import { retry } from "./retry.ts";
import type { ConsumerOptions, EventHandler } from "./types.ts";

/** Thrown out of a batch when stopping cut a retry short: the port then leaves the batch uncommitted. */
export class ConsumerStoppingError extends Error {
  override readonly name = "ConsumerStoppingError";
}

/**
 * What happens to one record: decode, skip, handle exactly once in effect
 * (inbox + effects in one transaction) with retries, or park it on the
 * dead-letter topic. Resolves when the record may be committed.
 */
export function createRecordProcessor(options: ConsumerOptions, stopping: AbortSignal) {
  const { db, group, log, logger: base } = options;

  async function deadLetter(record: LogRecord, reason: DeadLetterReason, error: unknown, attempts: number, logger = base): Promise<void> {
    await log.publish([deadLetterRecord(record, { reason, error, attempts, group })]);
    logger.error("event dead-lettered", { reason, attempts, error, deadLetterTopic: `${record.topic}.dlq`, topic: record.topic, partition: record.partition, offset: record.offset });
  }

  return async function processRecord(record: LogRecord): Promise<void> {
    const decoded = decodeEnvelope(record);
    if (!decoded.ok) return deadLetter(record, decoded.reason, decoded.error, 1);
    const envelope = decoded.envelope;
    const logger = base.child({
      eventId: envelope.id,
      eventType: envelope.type,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      traceId: parseTraceparent(envelope.traceparent)?.traceId,
    });
    if (!hasKnownType(envelope)) {
      // A newer producer's type (e.g. a v2 before this consumer knows it): not ours to judge.
      logger.warn("unknown event type skipped");
      return;
    }
    const handler = options.handlers[envelope.type] as EventHandler<EventType> | undefined;
    if (!handler) {
      logger.debug("no handler for event type; skipped");
      return;
    }
    const data = decodeData(envelope);
    // A payload that fails its schema fails the same way every time: no retries.
    if (!data.ok) return deadLetter(record, "invalid-event", data.error, 1, logger);
    const event = data.event;

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
    );
    if (outcome.ok) {
      logger.debug("event handled", { attempts: outcome.attempts, ms: Math.round(performance.now() - started) });
      return;
    }
    if ("stopped" in outcome) throw new ConsumerStoppingError(`consumer ${group} stopping; event ${event.id} will be redelivered`);
    // A database outage fails every handler alike; that is no reason to park events.
    await sql`select 1`.execute(db);
    await deadLetter(record, "handler-failed", outcome.error, outcome.attempts, logger);
  };
}
