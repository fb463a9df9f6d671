import { env, SELF } from "cloudflare:test";
import { sql } from "kysely";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { describe, expect, it } from "vitest";

describe("gateway in workerd", () => {
  it("reports the database up on /healthz", async () => {
    const response = await SELF.fetch("https://tunec.test/healthz");
    expect(response.status).toBe(200);
    const body = await response.json<{ status: string; checks: { database: { status: string } } }>();
    expect(body.status).toBe("ok");
    expect(body.checks.database.status).toBe("up");
  });

  it("reports each logical replication slot's retained WAL on /healthz (issue 17, low)", async () => {
    const db = createEdgeDatabase(env.HYPERDRIVE.connectionString);
    const slot = `health_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    try {
      const level = await sql<{ wal_level: string }>`show wal_level`.execute(db);
      if (level.rows[0]?.wal_level !== "logical") return; // CI runs with wal_level=logical; a plain local server cannot make the slot
      await sql`select pg_create_logical_replication_slot(${slot}, 'pgoutput')`.execute(db);
      const body = await (await SELF.fetch("https://tunec.test/healthz")).json<{
        checks: { replication_slots?: { name: string; active: boolean; retained_bytes: number; status: string }[] };
      }>();
      expect(body.checks.replication_slots?.find((found) => found.name === slot)).toMatchObject({ active: false, status: "ok" });
      expect(body.checks.replication_slots?.find((found) => found.name === slot)?.retained_bytes).toBeGreaterThanOrEqual(0);
    } finally {
      await sql`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = ${slot}`.execute(db).catch(() => undefined);
      await db.destroy();
    }
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
