import { z } from "zod";
import { instant } from "./primitives.ts";
import { traceparentPattern } from "./traceparent.ts";

/**
 * CloudEvents 1.0, JSON format (structured mode): the one envelope of every
 * event on every topic. Extension attributes beyond `traceparent` pass through,
 * as the spec asks of consumers.
 */
export const envelopeAttributes = {
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(200).meta({ description: "Unique per source; a uuid for events we produce. Consumers deduplicate on it." }),
  source: z.string().min(1).max(500).meta({ description: "URI-reference of the producer, e.g. /tunec/ingestion." }),
  time: instant.meta({ description: "When the change happened (RFC 3339)." }),
  subject: z.string().min(1).max(500).optional().meta({ description: "The entity the event is about (usually the partition key)." }),
  datacontenttype: z.literal("application/json"),
  dataschema: z.string().min(1).optional().meta({ description: "URI of the JSON Schema of `data` (urn:tunec:events:<type>)." }),
  traceparent: z
    .string()
    .regex(traceparentPattern)
    .optional()
    .meta({ description: "W3C Trace Context of the request that caused the event (CloudEvents Distributed Tracing extension)." }),
};

/** Any of our events, `data` not yet checked against its type's schema. */
export const cloudEventSchema = z.looseObject({
  ...envelopeAttributes,
  type: z.string().min(1).max(200),
  data: z.unknown(),
});

export type AnyCloudEvent = z.infer<typeof cloudEventSchema>;

export interface CloudEvent<Type extends string = string, Data = unknown> {
  specversion: "1.0";
  id: string;
  source: string;
  type: Type;
  time: string;
  subject?: string | undefined;
  datacontenttype: "application/json";
  dataschema?: string | undefined;
  traceparent?: string | undefined;
  data: Data;
}

/** The envelope of one type, with that type's data: what the JSON Schema export describes. */
export function envelopeOf<Type extends string, Data extends z.ZodType>(type: Type, data: Data) {
  return z.looseObject({ ...envelopeAttributes, type: z.literal(type), data });
}

export function dataschemaFor(type: string): string {
  return `urn:tunec:events:${type}`;
}
