import type { z } from "zod";
import { InvalidEventError } from "../../../shared/events/build.ts";
import { type EventType, type TunecEvent, definitionOf, isEventType } from "../../../shared/events/catalog.ts";
import { type AnyCloudEvent, cloudEventSchema } from "../../../shared/events/envelope.ts";
import type { LogRecord } from "../event-log.ts";
import type { DeadLetterReason } from "./dead-letter.ts";

export type Envelope = { ok: true; envelope: AnyCloudEvent } | { ok: false; reason: DeadLetterReason; error: Error };

/** The record's CloudEvents envelope, `data` not yet checked. */
export function decodeEnvelope(record: LogRecord): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(record.value);
  } catch (error) {
    return { ok: false, reason: "invalid-json", error: error instanceof Error ? error : new Error(String(error)) };
  }
  const parsed = cloudEventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "invalid-event", error: new InvalidEventError("CloudEvent", parsed.error.issues) };
  return { ok: true, envelope: parsed.data };
}

export type Decoded = { ok: true; event: TunecEvent } | { ok: false; error: InvalidEventError };

/** Checks `data` against the catalogue's schema of a known type. */
export function decodeData(envelope: AnyCloudEvent & { type: EventType }): Decoded {
  const schema: z.ZodType = definitionOf(envelope.type).schema;
  const data = schema.safeParse(envelope.data);
  if (!data.success) return { ok: false, error: new InvalidEventError(envelope.type, data.error.issues) };
  return { ok: true, event: { ...envelope, data: data.data } as TunecEvent };
}

export function hasKnownType(envelope: AnyCloudEvent): envelope is AnyCloudEvent & { type: EventType } {
  return isEventType(envelope.type);
}
