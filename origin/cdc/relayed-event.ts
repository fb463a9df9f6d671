import { z } from "zod";
import { parseTraceparent } from "../../shared/events/traceparent.ts";
import type { Logger } from "../../shared/logger.ts";
import type { LogRecordInput } from "../events/event-log.ts";
import { logRecordOf, type ChangeEvent } from "./track-change-event.ts";

/** An event on its way to the log, with what its log line needs. */
export interface RelayedEvent {
  id: string;
  type: string;
  topic: string;
  key: string;
  traceparent: string | undefined;
  record: LogRecordInput;
  /** WAL position of the change (WAL mode) or the outbox seq (trigger mode). */
  position: string;
}

const outboxRow = z.object({
  id: z.string().min(1),
  topic: z.string().min(1),
  key: z.string(),
  type: z.string().min(1),
  event: z.record(z.string(), z.unknown()),
});

/** The event an `events.outbox` row carries: its stored envelope, to its topic, with its key. */
export function outboxEvent(row: Record<string, unknown>, position: string): RelayedEvent | null {
  const parsed = outboxRow.safeParse({ ...row, event: typeof row.event === "string" ? JSON.parse(row.event) : row.event });
  if (!parsed.success) return null;
  const { id, topic, key, type, event } = parsed.data;
  return relayed({ id, type, topic, key, envelope: event }, position);
}

export function relayed(event: ChangeEvent, position: string): RelayedEvent {
  const traceparent = typeof event.envelope.traceparent === "string" ? event.envelope.traceparent : undefined;
  return { id: event.id, type: event.type, topic: event.topic, key: event.key, traceparent, record: logRecordOf(event), position };
}

/** One line per event, carrying the trace id so a request's path can be followed into the log. */
export function logEvent(logger: Logger, event: RelayedEvent): void {
  logger.info("event relayed", {
    eventId: event.id,
    type: event.type,
    topic: event.topic,
    key: event.key,
    position: event.position,
    traceId: parseTraceparent(event.traceparent)?.traceId,
    traceparent: event.traceparent,
  });
}
