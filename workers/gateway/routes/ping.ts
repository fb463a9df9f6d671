import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";

const route = createRoute({
  method: "get",
  path: "/ping",
  tags: ["platform"],
  summary: "Liveness without dependencies",
  description:
    "Answers without any I/O (no database, no rate limiter): for load-balancer probes and as the bare baseline of `npm run bench:gateway`. Use /healthz to check dependencies.",
  responses: {
    200: { description: "The Worker runs", content: { "application/json": { schema: z.object({ pong: z.literal(true) }).openapi("Pong") } } },
  },
});

export function registerPing(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, function ping(c) {
    c.header("cache-control", "no-store");
    return c.json({ pong: true as const }, 200);
  });
}
