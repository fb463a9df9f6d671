import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generateWebTypes, schemaFile } from "./web-types.ts";

describe("the web app's API types", () => {
  it("are generated from the current OpenAPI document (run npm run web:types)", async () => {
    expect(await readFile(schemaFile, "utf8")).toBe(await generateWebTypes());
  });
});
