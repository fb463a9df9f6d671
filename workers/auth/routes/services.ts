import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import type { Principal } from "../access-token.ts";
import type { GatewayEnv } from "../../gateway/context.ts";
import type { AuthServices } from "../services.ts";

/** The auth services of this runtime, or 503 where none are wired. */
export function authServices(c: Context<GatewayEnv>): AuthServices {
  const auth = c.get("services").auth;
  if (!auth) throw new AppError("SERVICE_UNAVAILABLE", "Sign-in is not configured on this server.");
  return auth;
}

/** The caller, for routes behind `requireAuth()`; a missing one is a wiring bug, so 500. */
export function principalOf(c: Context<GatewayEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("route needs requireAuth() before it");
  return principal;
}
