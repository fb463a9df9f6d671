import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { buildEvent } from "./build.ts";
import { eventTypes } from "./catalog.ts";
import { eventJsonSchemas, jsonSchemaFolder, schemaFileName, serialiseJson } from "./json-schema.ts";
import { sampleData, sampleTrackRow } from "./testing/samples.ts";

const folder = join(import.meta.dirname, "..", "..", jsonSchemaFolder);
// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

async function committedValidator(type: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const schema: unknown = JSON.parse(await readFile(join(folder, schemaFileName(type)), "utf8"));
  return ajv.compile(schema as object);
}

describe("exported JSON Schemas", () => {
  it("are up to date with the zod schemas (run `npm run schemas` after changing an event)", async () => {
    const expected = eventJsonSchemas();
    const committed = (await readdir(folder)).filter((name) => name.endsWith(".json")).sort();
    expect(committed).toEqual([...expected.keys()].sort());
    for (const [name, document] of expected) {
      expect(await readFile(join(folder, name), "utf8"), name).toBe(serialiseJson(document));
    }
  });

  it.each(eventTypes)("%s: a sample event validates with Ajv (draft 2020-12 + formats)", async (type) => {
    const validate = await committedValidator(type);
    const { event } = buildEvent({ type, data: sampleData[type], source: "/tunec/test" });
    const wire: unknown = JSON.parse(JSON.stringify(event));
    expect(validate(wire), JSON.stringify(validate.errors)).toBe(true);
  });

  it("rejects what the zod schemas reject", async () => {
    const validate = await committedValidator("tunec.catalog.track-updated.v1");
    const { event } = buildEvent({ type: "tunec.catalog.track-updated.v1", data: sampleData["tunec.catalog.track-updated.v1"], source: "/tunec/cdp" });
    const valid = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    expect(validate({ ...valid, type: "tunec.catalog.track-deleted.v1" })).toBe(false);
    expect(validate({ ...valid, specversion: "0.3" })).toBe(false);
    expect(validate({ ...valid, time: "yesterday" })).toBe(false);
    expect(validate({ ...valid, traceparent: "00-xyz" })).toBe(false);
    expect(validate({ ...valid, data: { ...sampleData["tunec.catalog.track-updated.v1"], after: null } })).toBe(false);
    expect(validate({ ...valid, data: { ...sampleData["tunec.catalog.track-updated.v1"], after: sampleTrackRow({ id: "not-a-uuid" }) } })).toBe(false);
    const { data: _data, ...withoutData } = valid;
    expect(validate(withoutData)).toBe(false);
  });

  it("let readers ignore fields added later (forward compatible)", async () => {
    const validate = await committedValidator("tunec.users.user-updated.v1");
    const { event } = buildEvent({ type: "tunec.users.user-updated.v1", data: sampleData["tunec.users.user-updated.v1"], source: "/tunec/users" });
    const wire = JSON.parse(JSON.stringify(event)) as { data: Record<string, unknown> };
    expect(validate({ ...wire, data: { ...wire.data, nickname: "vik" }, comexampleext: "x" })).toBe(true);
  });
});
