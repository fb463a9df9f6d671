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
});

/**
 * The event an `events.outbox` row carries: its stored envelope, to its topic, with its key.
 * `row.event` is the envelope as an object (a query's jsonb) or as JSON text
 * (WAL mode keeps pgoutput's text): text goes to the log as it is — parsed
 * only to check it is an object and to read its traceparent, never re-serialised.
 */
export function outboxEvent(row: Record<string, unknown>, position: string): RelayedEvent | null {
  // Only the flat columns: a z.record over the envelope would walk and copy every event.
  const parsed = outboxRow.safeParse(row);
  if (!parsed.success) return null;
  let envelope: unknown = row.event;
  if (typeof envelope === "string") {
    try {
      envelope = JSON.parse(envelope);
    } catch {
      return null;
    }
  }
  if (!isJsonObject(envelope)) return null;
  const { id, topic, key, type } = parsed.data;
  return relayed({ id, type, topic, key, envelope }, position, typeof row.event === "string" ? row.event : undefined);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value`: the envelope's JSON when it is already text (else it is serialised here). */
export function relayed(event: ChangeEvent, position: string, value?: string): RelayedEvent {
  const traceparent = typeof event.envelope.traceparent === "string" ? event.envelope.traceparent : undefined;
  const record = value === undefined ? logRecordOf(event) : logRecordOf(event, value);
  return { id: event.id, type: event.type, topic: event.topic, key: event.key, traceparent, record, position };
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
