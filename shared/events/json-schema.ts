/**
 * JSON Schema (draft 2020-12) of every event type: the full CloudEvents
 * envelope with that type's data, for consumers outside this codebase (the
 * Events Statistics service). `npm run schemas` writes them to json-schema/;
 * a test fails when the committed files drift from the zod schemas.
 */
import { z } from "zod";
import { eventCatalog, eventTypes } from "./catalog.ts";
import { dataschemaFor, envelopeOf } from "./envelope.ts";
import { deadLetterTopic, topics } from "./topics.ts";

export const jsonSchemaFolder = "shared/events/json-schema";

export function schemaFileName(type: string): string {
  return `${type}.json`;
}

/**
 * File name → JSON document. Input mode: objects do not forbid extra
 * properties, so adding an optional field stays compatible for old readers.
 */
export function eventJsonSchemas(): Map<string, unknown> {
  const files = new Map<string, unknown>();
  const index = [];
  for (const type of eventTypes) {
    const definition = eventCatalog[type];
    const generated = z.toJSONSchema(envelopeOf(type, definition.schema), { io: "input", target: "draft-2020-12" });
    const { $schema, ...body } = generated;
    files.set(schemaFileName(type), {
      $schema,
      $id: dataschemaFor(type),
      title: `${definition.name} v${definition.version}`,
      description: definition.description,
      ...body,
    });
    index.push({
      type,
      name: definition.name,
      version: definition.version,
      topic: definition.topic,
      deadLetterTopic: deadLetterTopic(definition.topic),
      key: topics[definition.topic].key,
      schema: schemaFileName(type),
      dataschema: dataschemaFor(type),
      description: definition.description,
    });
  }
  files.set("index.json", {
    description: "TUNEC event types: CloudEvents 1.0 JSON (structured mode) on each topic; the record key is the partition key.",
    events: index,
    topics: Object.entries(topics).map(([name, topic]) => ({
      name,
      partitions: topic.partitions,
      key: topic.key,
      deadLetterTopic: deadLetterTopic(name),
      description: topic.description,
    })),
  });
  return files;
}

export function serialiseJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
