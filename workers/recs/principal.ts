import type { Context } from "hono";
import type { GatewayEnv } from "../platform/edge/context.ts";

/** The caller's user id on a route guarded by requireAuth(). */
export function callerId(c: Context<GatewayEnv>): string {
  const principal = c.get("principal");
  // requireAuth() ran before; a missing principal is a wiring bug, not a client error.
  if (!principal) throw new Error("this route needs requireAuth() before it");
  return principal.userId;
}
