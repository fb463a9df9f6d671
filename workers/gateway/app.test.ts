import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("gateway in workerd", () => {
  it("reports the database up on /healthz", async () => {
    const response = await SELF.fetch("https://tunec.test/healthz");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; checks: { database: { status: string } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("up");
  });

  it("puts a request id and a trace on every response, keeping a well-formed incoming id", async () => {
    const fresh = await SELF.fetch("https://tunec.test/healthz");
    expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(fresh.headers.get("traceparent")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const kept = await SELF.fetch("https://tunec.test/nowhere", {
      headers: { "x-request-id": "client-req-12345", traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(kept.headers.get("x-request-id")).toBe("client-req-12345");
    expect(kept.headers.get("traceparent")).toContain(traceId);
    const problem = await kept.json<{ request_id: string }>();
    expect(problem.request_id).toBe("client-req-12345");

    const forged = await SELF.fetch("https://tunec.test/healthz", { headers: { "x-request-id": "<script>" } });
    expect(forged.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("answers an unknown route with a 404 problem", async () => {
    const response = await SELF.fetch("https://tunec.test/no/such/route");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      type: "https://tunec.dev/problems/route-not-found",
      status: 404,
      code: "ROUTE_NOT_FOUND",
      instance: "/no/such/route",
    });
  });

  it("answers a wrong method on a known route with 405 and Allow", async () => {
    const response = await SELF.fetch("https://tunec.test/healthz", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
    expect(await response.json()).toMatchObject({ code: "METHOD_NOT_ALLOWED", status: 405 });
  });

  it("serves the OpenAPI 3.1 document listing its routes", async () => {
    const response = await SELF.fetch("https://tunec.test/openapi.json");
    expect(response.status).toBe(200);
    const document = await response.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/healthz");
  });

  it("serves the API reference page and its offline assets", async () => {
    const page = await SELF.fetch("https://tunec.test/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/openapi.json");
    expect(html).toContain("/docs/vendor/swagger-ui-bundle.js");
  });
});
