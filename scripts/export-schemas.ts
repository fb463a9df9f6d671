/**
 * `npm run schemas`: writes the JSON Schema of every event type, plus an
 * index, into shared/events/json-schema/ (committed; a test checks it is current).
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eventJsonSchemas, jsonSchemaFolder, serialiseJson } from "../shared/events/json-schema.ts";

const folder = join(import.meta.dirname, "..", jsonSchemaFolder);
const files = eventJsonSchemas();
await mkdir(folder, { recursive: true });
for (const name of await readdir(folder)) {
  // A renamed or removed event type must not leave its old schema behind.
  if (name.endsWith(".json") && !files.has(name)) await rm(join(folder, name));
}
for (const [name, document] of files) await writeFile(join(folder, name), serialiseJson(document));
console.log(`wrote ${files.size} files to ${jsonSchemaFolder}/`);
