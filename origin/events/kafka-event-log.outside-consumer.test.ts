import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildEvent } from "../../shared/events/build.ts";
import { eventTypes } from "../../shared/events/catalog.ts";
import { cloudEventSchema } from "../../shared/events/envelope.ts";
import { sampleData } from "../../shared/events/testing/samples.ts";
import type { EventLog } from "./event-log.ts";
import { createKafkaEventLog } from "./kafka-event-log.ts";
import { acquireKafkaBroker, readWithConsoleConsumer } from "./testing/kafka-broker.ts";

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
const schemaFolder = join(import.meta.dirname, "..", "..", "shared", "events", "json-schema");
const schemaIndex = z.object({ events: z.array(z.object({ type: z.string(), schema: z.string() })) });

const broker = await acquireKafkaBroker();

/**
 * The external Events Statistics service reads our topics without our code:
 * Kafka's own ConsoleConsumer (from the broker's jars) plays that part, and
 * the records are checked only with what we publish for outsiders — the
 * exported JSON Schema files, found through their index.
 */
describe.skipIf(!broker)("a Kafka topic read by an outside consumer (Kafka's ConsoleConsumer)", () => {
  let log: EventLog;

  beforeAll(() => {
    if (!broker) throw new Error("unreachable: the suite is skipped without a broker");
    log = createKafkaEventLog({ brokers: broker.brokers, clientId: "outside-consumer-test" });
  });

  afterAll(async () => {
    await log?.close();
    await broker?.release();
  });

  it("gets every published event back as CloudEvents JSON that validates against the exported JSON Schema", async () => {
    if (!broker) return;
    const topic = `test.outside.${crypto.randomUUID()}`;
    await log.ensureTopics([{ name: topic, partitions: 3 }]);
    const built = eventTypes.map((type) => buildEvent({ type, source: "/tunec/outside-consumer-test", data: sampleData[type] }));
    await log.publish(built.map(({ event, key }) => ({ topic, key, value: JSON.stringify(event) })));

    const lines = await readWithConsoleConsumer({ brokers: broker.brokers, topic, maxMessages: built.length, timeoutMs: 30_000 });

    expect(lines).toHaveLength(built.length);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const index = schemaIndex.parse(JSON.parse(await readFile(join(schemaFolder, "index.json"), "utf8")));
    const received = lines.map((line) => cloudEventSchema.parse(JSON.parse(line)));
    for (const event of received) {
      const entry = index.events.find((candidate) => candidate.type === event.type);
      expect(entry, `index.json lists ${event.type}`).toBeDefined();
      const schema: unknown = JSON.parse(await readFile(join(schemaFolder, entry?.schema ?? "missing"), "utf8"));
      const validate = ajv.getSchema(String((schema as { $id?: unknown }).$id)) ?? ajv.compile(schema as object);
      expect(validate(event) ? [] : validate.errors, `${event.type} validates against ${entry?.schema}`).toEqual([]);
      expect(event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]$/);
    }
    expect(new Set(received.map((event) => event.id))).toEqual(new Set(built.map(({ event }) => event.id)));
    expect(new Set(received.map((event) => event.type))).toEqual(new Set(eventTypes));
  });
});
