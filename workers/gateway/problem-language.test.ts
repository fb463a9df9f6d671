import { createRoute, z } from "@hono/zod-openapi";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { createGatewayApp } from "./app.ts";

// Problems in the caller's language, served inside workerd through the gateway's one mapper.
function appWithProbe() {
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
  return app;
}

describe("problem details follow Accept-Language", () => {
  it("answers an unknown route in Russian when Russian is preferred, with Content-Language and Vary", async () => {
    const response = await appWithProbe().request("/no/such/route", { headers: { "accept-language": "ru-RU,ru;q=0.9,en;q=0.8" } });
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
      const response = await appWithProbe().request("/no/such/route", header ? { headers: { "accept-language": header } } : {});
      expect(response.headers.get("content-language")).toBe("en");
      expect(await response.json()).toMatchObject({ title: "No such route", detail: "No route matches GET /no/such/route." });
    }
  });

  it("translates field messages, the schema's own and zod's defaults, and keeps field names", async () => {
    const response = await appWithProbe().request("/probe/releases", {
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
