import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { RateDecision, RateLimiterPort, RatePolicy } from "../../../durable-objects/rate-limiter/client.ts";
import type { RateLimitConfig } from "../../../shared/config.ts";
import { AppError } from "../../../shared/errors.ts";
import { normalizeEmail } from "../../auth/accounts.ts";
import { knownDevice } from "../../auth/device-token.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";
import { clientAddress, rateLimitHeaders } from "../../platform/edge/rate-limit-keys.ts";

export interface RateLimitSettings {
  limiter: RateLimiterPort;
  config: RateLimitConfig;
  /** Only outside Cloudflare may X-Forwarded-For / X-Real-IP name the client (dev servers, tests). */
  trustProxyHeaders: boolean;
  /** Paths never limited, e.g. a load balancer's liveness probe. */
  exempt?: readonly string[];
}

interface Charge {
  key: string;
  policy: RatePolicy;
}

/** The policies by name; the names appear in the RateLimit headers. */
export function ratePolicies(config: RateLimitConfig) {
  return {
    anonymous: { name: "anonymous", ...config.RATE_LIMIT_ANONYMOUS },
    user: { name: "user", ...config.RATE_LIMIT_USER },
    loginIp: { name: "login-ip", ...config.RATE_LIMIT_LOGIN_IP },
    loginEmail: { name: "login-email", ...config.RATE_LIMIT_LOGIN_EMAIL },
    loginEmailAny: { name: "login-email-any", ...config.RATE_LIMIT_LOGIN_EMAIL_ANY },
    register: { name: "register", ...config.RATE_LIMIT_REGISTER },
    refresh: { name: "refresh", ...config.RATE_LIMIT_REFRESH },
    callbacks: { name: "callbacks", ...config.RATE_LIMIT_CALLBACKS },
    accountMail: { name: "account-mail", ...config.RATE_LIMIT_ACCOUNT_MAIL },
  } satisfies Record<string, RatePolicy>;
}

/**
 * Charges each request to the RateLimiter: per user when `authenticate` found a
 * valid token, else per client IP; POST /auth/login, /auth/register and
 * /auth/refresh use their own tighter buckets per IP, and login also one per
 * target email (so one account cannot be guessed at from many addresses) —
 * except from the owner's known device (X-Device-Token), which has its own.
 * Every answer carries `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers); a refused call gets 429 RATE_LIMITED
 * with `Retry-After`. Must run after `authenticate()`.
 */
export function rateLimit(settings: RateLimitSettings): MiddlewareHandler<GatewayEnv> {
  const policies = ratePolicies(settings.config);
  const exempt = new Set(settings.exempt ?? []);

  async function chargesFor(c: Context<GatewayEnv>): Promise<Charge[]> {
    const ip = `ip:${clientAddress(c.req.raw, settings.trustProxyHeaders)}`;
    const userId = c.get("principal")?.userId;
    if (c.req.method === "POST") {
      switch (c.req.path) {
        case "/auth/login": {
          const email = await loginEmail(c);
          // The owner's known device has a bucket of its own: strangers' failures cannot empty it.
          const device = email ? await knownDeviceOf(c, email) : null;
          if (device)
            return [
              { key: ip, policy: policies.loginIp },
              { key: `device:${device}`, policy: policies.loginEmail },
            ];
          // Tight per (address, email): ten wrong passwords from a stranger's address lock out that
          // address only; loose per email: a guess spread over many addresses still runs dry.
          const emailHash = email ? await sha256(email) : undefined;
          const perEmail = emailHash
            ? [
                { key: `email:${emailHash}:${await sha256(ip)}`, policy: policies.loginEmail },
                { key: `email:${emailHash}`, policy: policies.loginEmailAny },
              ]
            : [];
          return [{ key: ip, policy: policies.loginIp }, ...perEmail];
        }
        case "/auth/register":
          return [{ key: ip, policy: policies.register }];
        // Guessing one-time tokens costs like guessing passwords (and each try hashes one).
        case "/auth/password/set":
        case "/auth/email/verify":
          return [{ key: ip, policy: policies.loginIp }];
        // Every call may mail someone: per address and per target mailbox, or one could flood a stranger's inbox.
        case "/auth/password/forgot": {
          const email = await loginEmail(c);
          const perEmail = email ? [{ key: `mail:${await sha256(email)}`, policy: policies.accountMail }] : [];
          return [{ key: ip, policy: policies.register }, ...perEmail];
        }
        case "/auth/email/verification":
        case "/auth/email/change":
          if (userId) return [{ key: `mail:user:${userId}`, policy: policies.accountMail }];
          break;
        // A stolen access token must not become unlimited guesses at the current password.
        case "/auth/password/change":
          if (userId)
            return [
              { key: ip, policy: policies.loginIp },
              { key: `password:user:${userId}`, policy: policies.loginEmail },
            ];
          break;
        case "/auth/refresh":
          return [{ key: ip, policy: policies.refresh }];
      }
    }
    if (c.req.method === "POST" && c.req.path.startsWith("/billing/callbacks/")) return [{ key: `callback:${ip}`, policy: policies.callbacks }];
    return userId ? [{ key: `user:${userId}`, policy: policies.user }] : [{ key: ip, policy: policies.anonymous }];
  }

  return async function rateLimitMiddleware(c, next) {
    // /rest (Subsonic) carries no access token: it limits per device credential itself (workers/subsonic/rate-limit.ts).
    if (exempt.has(c.req.path) || c.req.path.startsWith("/rest/")) return next();
    const charges = await chargesFor(c);
    let decisions: RateDecision[];
    try {
      decisions = await Promise.all(charges.map((charge) => settings.limiter.take(charge.key, charge.policy)));
    } catch (error) {
      // The credential routes fail closed: without the limiter, password guessing would be unbounded.
      if (c.req.path.startsWith("/auth/")) {
        c.get("log").error("rate limiter unavailable; credential route refused", { error });
        throw new AppError("SERVICE_UNAVAILABLE", "Sign-in is briefly unavailable; try again in a few seconds.", { headers: { "retry-after": "5" } });
      }
      // Elsewhere failing open: an outage of the limiter must not take the API down with it.
      c.get("log").error("rate limiter unavailable; request let through", { error });
      return next();
    }
    const headers = rateLimitHeaders(
      charges.map((charge) => charge.policy),
      decisions,
    );
    const refused = decisions.filter((decision) => !decision.allowed);
    if (refused.length > 0) {
      const retryAfter = Math.max(...refused.map((decision) => decision.retryAfterSeconds));
      throw new AppError("RATE_LIMITED", `Too many requests; retry in ${retryAfter} s.`, {
        headers: { ...headers, "retry-after": String(retryAfter) },
      });
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}

const loginBody = z.object({ email: z.string().min(3).max(254) });

// Hono caches the body, so the route's own validator still reads it after us.
async function loginEmail(c: Context<GatewayEnv>): Promise<string | undefined> {
  if (!/^application\/(.+\+)?json/i.test(c.req.header("content-type") ?? "")) return undefined;
  try {
    const parsed = loginBody.safeParse(await c.req.json());
    return parsed.success ? normalizeEmail(parsed.data.email) : undefined;
  } catch {
    return undefined; // malformed JSON: the route answers 400, the IP bucket still counts
  }
}

async function knownDeviceOf(c: Context<GatewayEnv>, email: string): Promise<string | null> {
  const token = c.req.header("x-device-token");
  const auth = c.get("services").auth;
  if (!token || !auth) return null;
  return knownDevice(await auth.keys(), auth.tokens, token, email);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
