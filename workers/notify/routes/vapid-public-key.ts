import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { problemContent } from "../schemas.ts";

const route = createRoute({
  method: "get",
  path: "/push/vapid-public-key",
  tags: ["notifications"],
  summary: "The VAPID public key browsers subscribe with",
  description: "Pass it as `applicationServerKey` to `pushManager.subscribe()`; the origin signs every push with the matching private key.",
  responses: {
    200: {
      description: "The key (base64url, uncompressed P-256 point)",
      content: { "application/json": { schema: z.object({ public_key: z.string() }).openapi("VapidPublicKey") } },
    },
    503: { description: "Web Push is not configured on this server", content: problemContent },
  },
});

export function registerVapidPublicKey(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(route, function vapidPublicKey(c) {
    const env: unknown = c.env;
    const key = typeof env === "object" && env !== null ? (env as Record<string, unknown>).VAPID_PUBLIC_KEY : undefined;
    if (typeof key !== "string" || !/^[A-Za-z0-9_-]{87}$/.test(key)) throw new AppError("SERVICE_UNAVAILABLE", "Web Push is not configured on this server.");
    c.header("cache-control", "public, max-age=3600");
    return c.json({ public_key: key }, 200);
  });
}
