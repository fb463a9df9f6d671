import type { Context, MiddlewareHandler } from "hono";
import { AppError } from "../../../shared/errors.ts";
import { InvalidTokenError, verifyAccessTokenCached, type Principal } from "../../auth/access-token.ts";
import type { Role } from "../../auth/accounts.ts";
import type { GatewayEnv } from "./context.ts";

const realm = 'Bearer realm="tunec"';

/** 401 for a bad token; RFC 6750 §3.1 says only "invalid_token", never which check failed. */
export function invalidToken(): AppError {
  return new AppError("INVALID_TOKEN", "The access token is invalid or expired.", {
    headers: { "www-authenticate": `${realm}, error="invalid_token"` },
  });
}

/**
 * Verifies a bearer access token locally (no call to auth) and puts the
 * principal into the context. It refuses nothing itself: public routes serve a
 * request with a stale token as anonymous (clients often attach the header to
 * every call, /auth/refresh included), while `requireAuth()`/`requireRole()`
 * answer 401 `invalid_token` for it.
 */
export function authenticate(): MiddlewareHandler<GatewayEnv> {
  return async function authenticateMiddleware(c, next) {
    c.set("principal", undefined);
    const header = c.req.header("authorization");
    if (header === undefined) {
      c.set("credentials", "none");
      await next();
      return;
    }
    c.set("credentials", "invalid");
    const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/i.exec(header.trim());
    const auth = c.get("services").auth;
    if (match?.[1] && auth) {
      try {
        c.set("principal", await verifyAccessTokenCached(await auth.keys(), auth.tokens, match[1]));
        c.set("credentials", "valid");
      } catch (error) {
        if (!(error instanceof InvalidTokenError)) throw error;
        c.get("log").info("access token refused", { reason: error.reason });
      }
    }
    await next();
  };
}

function principalOrThrow(c: Context<GatewayEnv>): Principal {
  const principal = c.get("principal");
  if (principal) return principal;
  if (c.get("credentials") === "invalid") throw invalidToken();
  throw new AppError("UNAUTHORIZED", "This route needs an access token (Authorization: Bearer).", {
    headers: { "www-authenticate": realm },
  });
}

// These middlewares `await next()` rather than return its promise: workerd
// reports a rejected promise handed up through `return` as unhandled.

/** Refuses requests without a valid token: 401 with `WWW-Authenticate: Bearer`. */
export function requireAuth(): MiddlewareHandler<GatewayEnv> {
  return async function requireAuthMiddleware(c, next) {
    principalOrThrow(c);
    await next();
  };
}

/**
 * 401 without a valid token, 403 when the caller holds none of `roles`.
 * @example createRoute({ ..., middleware: [requireRole("admin")] as const })
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<GatewayEnv> {
  return async function requireRoleMiddleware(c, next) {
    const principal = principalOrThrow(c);
    if (!principal.roles.some((role) => roles.includes(role))) {
      throw new AppError("FORBIDDEN", `This route needs the role ${roles.join(" or ")}.`, {
        headers: { "www-authenticate": `${realm}, error="insufficient_scope"` },
      });
    }
    // A role claim lives as long as its access token; a demotion revokes the account's sessions,
    // so role-guarded routes (never the listening hot path) also ask whether the session still
    // lives. The demoted admin is refused at once, not ten minutes later.
    const sessions = c.get("services").auth?.sessions;
    if (sessions && !(await sessions.forUser(principal.userId).isActive(principal.sessionId))) throw invalidToken();
    await next();
  };
}

/** The caller, for routes behind `requireAuth()`; a missing one is a wiring bug, so 500. */
export function principalOf(c: Context<GatewayEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new Error("route needs requireAuth() before it");
  return principal;
}

/** The caller's user id on a route guarded by requireAuth(). */
export function callerId(c: Context<GatewayEnv>): string {
  return principalOf(c).userId;
}
