import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "kysely";
import type { GatewayEnv } from "../context.ts";

const dependencyStatus = z.object({
  status: z.enum(["up", "down"]),
  latency_ms: z.number().openapi({ example: 1.7 }),
  error: z.string().optional().openapi({ description: "Why the check failed (no secrets)." }),
});

const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ database: dependencyStatus }),
  })
  .openapi("Health");

const route = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["platform"],
  summary: "Liveness and dependency health",
  description: "Reports whether the gateway reaches PostgreSQL. 503 when a dependency is down.",
  responses: {
    200: { description: "All dependencies are up", content: { "application/json": { schema: healthSchema } } },
    503: { description: "A dependency is down", content: { "application/json": { schema: healthSchema } } },
  },
});

const databaseTimeoutMs = 2_000;

export function registerHealthz(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, async function healthz(c) {
    const started = performance.now();
    let database: z.infer<typeof dependencyStatus>;
    try {
      await withTimeout(sql`select 1`.execute(c.get("services").db), databaseTimeoutMs);
      database = { status: "up", latency_ms: elapsed(started) };
    } catch (error) {
      c.get("log").warn("database health check failed", { error });
      database = { status: "down", latency_ms: elapsed(started), error: "database unreachable" };
    }
    const body = { status: database.status === "up" ? "ok" : "degraded", checks: { database } } as const;
    c.header("cache-control", "no-store");
    return database.status === "up" ? c.json(body, 200) : c.json(body, 503);
  });
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
