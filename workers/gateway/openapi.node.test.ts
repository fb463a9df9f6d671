import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createGatewayApp } from "./app.ts";

// The validator compiles JSON Schemas with `new Function`, which workerd
// forbids, so the document is produced by the same app and checked in Node.
describe("OpenAPI document", () => {
  it("is valid OpenAPI 3.1 and lists every public route", async () => {
    const app = createGatewayApp({
      logLevel: "error",
      services: () => {
        const db = createPostgresDatabase("postgres://nobody@127.0.0.1:1/none", { maxConnections: 1 });
        return { services: { db }, release: () => db.destroy() };
      },
    });
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };

    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");

    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      ),
    );
    // Every route the app serves, except the document, the docs page and the web app's pages.
    const served = app.routes
      .filter((route) => route.method !== "ALL" && !["/openapi.json", "/docs", "/", "/app", "/app/*"].includes(route.path))
      .map((route) => `${route.method} ${route.path}`);
    for (const route of served) expect(documented, `${route} is not in the OpenAPI document`).toContain(route);
  });

  it("the validator does reject a broken document", async () => {
    const result = await new Validator().validate({ openapi: "3.1.0", paths: { "/x": { get: { responses: 7 } } } });
    expect(result.valid).toBe(false);
  });
});
