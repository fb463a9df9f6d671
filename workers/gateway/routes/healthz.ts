import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "kysely";
import type { GatewayEnv } from "../../platform/edge/context.ts";

const dependencyStatus = z.object({
  status: z.enum(["up", "down"]),
  latency_ms: z.number().openapi({ example: 1.7 }),
  error: z.string().optional().openapi({ description: "Why the check failed (no secrets)." }),
});

const slotStatus = z.object({
  name: z.string(),
  active: z.boolean().openapi({ description: "Whether a consumer (the CDC relay) is attached now" }),
  retained_bytes: z.number().openapi({ description: "WAL the slot keeps on disk until the relay confirms it" }),
  status: z.enum(["ok", "lagging"]).openapi({ description: "lagging above 1 GiB: the relay (or Kafka behind it) is behind or down" }),
});

const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({
      database: dependencyStatus,
      replication_slots: z.array(slotStatus).optional().openapi({ description: "Logical replication slots (WAL mode CDC); absent when they cannot be read" }),
    }),
  })
  .openapi("Health");

/**
 * A logical slot keeps every WAL segment its consumer has not confirmed: with
 * the relay or Kafka down it grows until the disk fills (or until
 * max_slot_wal_keep_size cuts the slot off). Above this it is reported lagging.
 */
export const slotRetainedWarnBytes = 1024 * 1024 * 1024;

const route = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["platform"],
  summary: "Liveness and dependency health",
  description:
    "Reports whether the gateway reaches PostgreSQL (503 when it does not), and how much WAL each logical replication " +
    "slot retains (status degraded, still 200, when a slot holds more than 1 GiB: the CDC relay or Kafka is behind).",
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
    const slots = database.status === "up" ? await replicationSlots(c.get("services").db).catch(() => undefined) : undefined;
    const lagging = slots?.some((slot) => slot.status === "lagging") ?? false;
    const body = {
      status: database.status === "up" && !lagging ? "ok" : "degraded",
      checks: { database, ...(slots ? { replication_slots: slots } : {}) },
    } as const;
    c.header("cache-control", "no-store");
    return database.status === "up" ? c.json(body, 200) : c.json(body, 503);
  });
}

async function replicationSlots(db: GatewayEnv["Variables"]["services"]["db"]): Promise<z.infer<typeof slotStatus>[]> {
  const result = await withTimeout(
    sql<{ name: string; active: boolean; retained: string | null }>`
      select slot_name as name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text as retained
      from pg_replication_slots where slot_type = 'logical' order by slot_name`.execute(db),
    databaseTimeoutMs,
  );
  return result.rows.map((row) => {
    const retained = Number(row.retained ?? 0);
    return { name: row.name, active: row.active, retained_bytes: retained, status: retained > slotRetainedWarnBytes ? "lagging" : "ok" };
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
