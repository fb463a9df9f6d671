import { createRoute, z } from "@hono/zod-openapi";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { createGatewayApp } from "./app.ts";

// The gateway's error mapper with two probe routes: one with a JSON body
// schema and one that fails unexpectedly, served inside workerd.
function appWithProbes() {
  const app = createGatewayApp({
    logLevel: "error",
    services: () => {
      const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
      return { services: { db }, release: () => db.destroy() };
    },
  });
  app.openapi(
    createRoute({
      method: "post",
      path: "/probe/playlists",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({ name: z.string().min(1), visibility: z.enum(["public", "private"]) }),
            },
          },
        },
      },
      responses: { 201: { description: "created" } },
    }),
    (c) => c.body(null, 201),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/probe/releases",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({ title: z.string().min(1, "must not be empty").max(500, "at most 500 characters"), year: z.int() }),
            },
          },
        },
      },
      responses: { 201: { description: "created" } },
    }),
    (c) => c.body(null, 201),
  );
  app.get("/probe/explode", () => {
    throw new Error("secret connection string postgres://admin:hunter2@db");
  });
  return app;
}

describe("RFC 9457 error mapping", () => {
  it("malformed JSON → 400 MALFORMED_JSON", async () => {
    const response = await appWithProbes().request("/probe/playlists", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name": "road trip",',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ code: "MALFORMED_JSON", type: "https://tunec.dev/problems/malformed-json" });
  });

  it("a JSON body over 256 KiB → 413 PAYLOAD_TOO_LARGE before the route parses it", async () => {
    const response = await appWithProbes().request("/probe/playlists", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ name: "x".repeat(300 * 1024), visibility: "public" }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    const small = await appWithProbes().request("/probe/playlists", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(200 * 1024), visibility: "public" }),
    });
    expect(small.status).toBe(201);
  });

  it("schema violation → 400 naming each field", async () => {
    const response = await appWithProbes().request("/probe/playlists", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "", visibility: "friends" }),
    });
    expect(response.status).toBe(400);
    const problem = await response.json<{ code: string; detail: string; errors: Array<{ field: string }> }>();
    expect(problem.code).toBe("VALIDATION_FAILED");
    expect(problem.errors.map((e) => e.field).sort()).toEqual(["body.name", "body.visibility"]);
    expect(problem.detail).toContain("body.visibility");
  });

  it("an unexpected failure → 500 without internals", async () => {
    const response = await appWithProbes().request("/probe/explode");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("secret");
    expect(JSON.parse(text)).toMatchObject({ code: "INTERNAL", status: 500 });
  });

  it("405 on a probe path lists the allowed method", async () => {
    const response = await appWithProbes().request("/probe/playlists", { method: "GET" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("problem details follow Accept-Language", () => {
  it("answers an unknown route in Russian when Russian is preferred, with Content-Language and Vary", async () => {
    const response = await appWithProbes().request("/no/such/route", { headers: { "accept-language": "ru-RU,ru;q=0.9,en;q=0.8" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-language")).toBe("ru");
    expect(response.headers.get("vary")?.toLowerCase()).toContain("accept-language");
    expect(await response.json()).toMatchObject({
      code: "ROUTE_NOT_FOUND",
      type: "https://tunec.dev/problems/route-not-found",
      title: "Такого адреса нет",
      detail: "Нет адреса для GET /no/such/route.",
    });
  });

  it("stays English without Accept-Language and when English ranks higher", async () => {
    for (const header of [undefined, "en-GB,en;q=0.9,ru;q=0.5", "de-DE"]) {
      const response = await appWithProbes().request("/no/such/route", header ? { headers: { "accept-language": header } } : {});
      expect(response.headers.get("content-language")).toBe("en");
      expect(await response.json()).toMatchObject({ title: "No such route", detail: "No route matches GET /no/such/route." });
    }
  });

  it("translates field messages, the schema's own and zod's defaults, and keeps field names", async () => {
    const response = await appWithProbes().request("/probe/releases", {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "ru" },
      body: JSON.stringify({ title: "" }),
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { detail: string; errors: { field: string; message: string }[] };
    expect(problem.detail).toBe("Недопустимое значение: body.title, body.year.");
    expect(problem.errors).toEqual([
      { field: "body.title", message: "не может быть пустым" },
      { field: "body.year", message: "Обязательное поле" },
    ]);
  });
});
