import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { problemContent } from "../schemas.ts";
import { authServices } from "./services.ts";

const jwkSchema = z
  .object({ kid: z.string(), kty: z.string(), crv: z.string(), x: z.string(), y: z.string().optional(), alg: z.string(), use: z.string() })
  .openapi("JsonWebKey");

export const jwksRoute = createRoute({
  method: "get",
  path: "/.well-known/jwks.json",
  tags: ["auth"],
  summary: "Public keys that verify access tokens",
  description: "The active key and the retired ones whose tokens may still be live, by `kid` (RFC 7517).",
  responses: {
    200: { description: "JSON Web Key Set", content: { "application/json": { schema: z.object({ keys: z.array(jwkSchema) }).openapi("JsonWebKeySet") } } },
    503: { description: "Signing is not configured", content: problemContent },
  },
});

export function registerJwks(app: OpenAPIHono<GatewayEnv>): void {
  app.openapi(jwksRoute, async function jwks(c) {
    const ring = await authServices(c).keys();
    // Short enough that a rotation reaches outside verifiers well within a token's lifetime.
    c.header("cache-control", "public, max-age=300");
    return c.json(ring.jwks, 200);
  });
}
