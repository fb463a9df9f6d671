import type { Context } from "hono";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import type { AuthServices } from "../services.ts";

/** The auth services of this runtime, or 503 where none are wired. */
export function authServices(c: Context<GatewayEnv>): AuthServices {
  const auth = c.get("services").auth;
  if (!auth) throw new AppError("SERVICE_UNAVAILABLE", "Sign-in is not configured on this server.");
  return auth;
}
