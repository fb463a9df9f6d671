import type { EventType, TunecEvent } from "../../../shared/events/catalog.ts";
import { parseTraceparent } from "../../../shared/events/traceparent.ts";
import { lazyChild, type Logger } from "../../../shared/logger.ts";
import type { LogRecord } from "../event-log.ts";
import type { DeadLetterReason } from "./dead-letter.ts";
import { decodeData, decodeEnvelope, hasKnownType } from "./decode.ts";
import type { EventBatchHandler, EventBatchHandlers, EventHandler, EventHandlers } from "./types.ts";

export type Prepared =
  | {
      kind: "handle";
      record: LogRecord;
      event: TunecEvent;
      /** Handles this event alone (for a batch handler: a batch of one). */
      handler: EventHandler<EventType>;
      /** Set when the type has a batch handler: consecutive events of it go in one call. */
      batch?: EventBatchHandler<EventType>;
      logger: Logger;
    }
  | { kind: "poison"; record: LogRecord; reason: DeadLetterReason; error: Error; logger: Logger }
  | { kind: "skip"; record: LogRecord };

/**
 * Decides what a record needs: its handler (data checked against the
 * catalogue), the dead-letter topic (it can never be handled: no retries), or
 * nothing (a type this group does not handle).
 */
export function prepareRecord(record: LogRecord, handlers: EventHandlers, base: Logger, batchHandlers: EventBatchHandlers = {}): Prepared {
  const decoded = decodeEnvelope(record);
  if (!decoded.ok) return { kind: "poison", record, reason: decoded.reason, error: decoded.error, logger: base };
  const envelope = decoded.envelope;
  const logger = lazyChild(base, () => ({
    eventId: envelope.id,
    eventType: envelope.type,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    traceId: parseTraceparent(envelope.traceparent)?.traceId,
  }));
  if (!hasKnownType(envelope)) {
    // A newer producer's type (e.g. a v2 this consumer does not know yet): not ours to judge.
    logger.warn("unknown event type skipped");
    return { kind: "skip", record };
  }
  const batch = batchHandlers[envelope.type] as EventBatchHandler<EventType> | undefined;
  const handler: EventHandler<EventType> | undefined = batch
    ? (event, trx, context) => batch([event], trx, { logger: context.logger, records: [context.record], attempt: context.attempt })
    : (handlers[envelope.type] as EventHandler<EventType> | undefined);
  if (!handler) {
    logger.debug("no handler for event type; skipped");
    return { kind: "skip", record };
  }
  const data = decodeData(envelope);
  if (!data.ok) return { kind: "poison", record, reason: "invalid-event", error: data.error, logger };
  return batch ? { kind: "handle", record, event: data.event, handler, batch, logger } : { kind: "handle", record, event: data.event, handler, logger };
}
