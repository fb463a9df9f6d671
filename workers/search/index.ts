/** The search context at the edge: GET /search over the read model the indexer keeps. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { registerSearch as registerSearchRoute } from "./routes/search.ts";

export function registerSearch(app: OpenAPIHono<GatewayEnv>): void {
  registerSearchRoute(app);
}
