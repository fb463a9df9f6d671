/**
 * Importing favourites at the edge: POST /me/imports queues a job for the
 * origin's users-import service, GET /me/imports/{id} reports its progress
 * and results, GET /me/imports lists the caller's jobs. The matching itself
 * runs at the origin (origin/users-import).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { registerCreateImport } from "./routes/create-import.ts";
import { registerGetImport } from "./routes/get-import.ts";
import { registerListImports } from "./routes/list-imports.ts";

export function registerImports(app: OpenAPIHono<GatewayEnv>): void {
  registerCreateImport(app);
  registerGetImport(app);
  registerListImports(app);
}
