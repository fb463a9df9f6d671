import { z } from "zod";
import { type EventDataInput, type EventType, type TunecEvent, definitionOf, isEventType } from "./catalog.ts";
import { dataschemaFor, envelopeAttributes } from "./envelope.ts";
import { newTraceparent } from "./traceparent.ts";

export interface EventInput<T extends EventType> {
  type: T;
  data: EventDataInput<T>;
  /** URI-reference of the producer, e.g. "/tunec/ingestion". */
  source: string;
  /** Defaults to the partition key (the entity the event is about). */
  subject?: string;
  /** Incoming request's traceparent; a new trace starts when absent. */
  traceparent?: string | null;
  /** Defaults to a new uuid. A retried producer passes a stable id to stay idempotent. */
  id?: string;
  /** Defaults to now. */
  time?: Date | string;
}

export interface BuiltEvent<T extends EventType = EventType> {
  event: TunecEvent<T>;
  topic: string;
  key: string;
}

/** Data that does not match its type's schema: a producer bug, never sent. */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  constructor(
    readonly type: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`invalid ${type} event: ${issues.length ? z.prettifyError(new z.ZodError(issues)) : "unknown event type"}`);
  }
}

const attributes = z.object({
  // Ours are uuids: the outbox keys rows by them.
  id: z.uuid(),
  source: envelopeAttributes.source,
  time: envelopeAttributes.time,
  subject: envelopeAttributes.subject,
  traceparent: envelopeAttributes.traceparent,
});

/**
 * Validates `data` against the catalogue and wraps it in the CloudEvents
 * envelope, with the topic and key the catalogue gives the type.
 * @example const { event, topic, key } = buildEvent({ type: "tunec.users.user-updated.v1", source: "/tunec/users", data })
 */
export function buildEvent<T extends EventType>(input: EventInput<T>): BuiltEvent<T> {
  if (!isEventType(input.type)) throw new InvalidEventError(String(input.type), []);
  const definition = definitionOf(input.type);
  const parsed = definition.schema.safeParse(input.data);
  if (!parsed.success) throw new InvalidEventError(input.type, parsed.error.issues);
  const key = definition.key(parsed.data);
  const time = input.time instanceof Date ? input.time.toISOString() : (input.time ?? new Date().toISOString());
  const checked = attributes.safeParse({
    id: input.id ?? crypto.randomUUID(),
    source: input.source,
    time,
    subject: input.subject ?? key,
    traceparent: input.traceparent ?? newTraceparent(),
  });
  if (!checked.success) throw new InvalidEventError(input.type, checked.error.issues);
  const event = {
    specversion: "1.0",
    id: checked.data.id,
    source: checked.data.source,
    type: input.type,
    time: checked.data.time,
    subject: checked.data.subject,
    datacontenttype: "application/json",
    dataschema: dataschemaFor(input.type),
    traceparent: checked.data.traceparent,
    data: parsed.data,
  } as TunecEvent<T>;
  return { event, topic: definition.topic, key };
}
