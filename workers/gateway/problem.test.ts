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
