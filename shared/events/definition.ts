import type { z } from "zod";
import type { TopicName } from "./topics.ts";

/** One event type of the catalogue: its data schema, where it goes and how it is keyed. */
export interface EventDefinition<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** Versioned CloudEvent type: `tunec.<context>.<event>.v<N>`. */
  type: Type;
  /** The design's name for the event, e.g. TrackPublished. */
  name: string;
  version: number;
  schema: Schema;
  topic: TopicName;
  /** Partition key: records with one key are delivered in order. */
  key: (data: z.output<Schema>) => string;
  description: string;
}

/** Keeps the literal type and ties `key`'s argument to the schema. */
export function defineEvent<const Type extends string, Schema extends z.ZodType>(definition: EventDefinition<Type, Schema>): EventDefinition<Type, Schema> {
  return definition;
}
