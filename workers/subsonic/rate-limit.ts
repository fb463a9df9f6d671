/**
 * Rate limits of /rest, charged here rather than by the gateway's per-IP
 * anonymous bucket (which /rest skips): Subsonic requests carry no access
 * token, and a household of players behind one address — or one player
 * fetching a grid of covers — would empty a per-IP bucket sized for strangers.
 *
 * - per credential (API key or app password, i.e. per device), once the
 *   request authenticated: SUBSONIC_RATE_LIMIT, default 600/1m;
 * - per client address before authenticating, generous, against floods of
 *   unauthenticated calls: SUBSONIC_RATE_LIMIT_IP, default 1200/1m.
 *
 * The RateLimiter Durable Object where the runtime has it (one object per key,
 * so a limit holds across isolates and locations), else an in-process map.
 */
import type { Context } from "hono";
import { durableRateLimiter, memoryRateLimiter, type RateDecision, type RateLimiterPort, type RatePolicy } from "../../durable-objects/rate-limiter/client.ts";
import { parseConfig } from "../../shared/config.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";
import { clientAddress, rateLimitHeaders } from "../platform/edge/rate-limit-keys.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { subsonicRateConfigSchema } from "./config.ts";

export interface SubsonicRateLimits {
  limiter: RateLimiterPort;
  perCredential: RatePolicy;
  perAddress: RatePolicy;
  /** Only outside Cloudflare may X-Forwarded-For name the client (as the gateway decides). */
  trustProxyHeaders: boolean;
}

/** A refused call: answered with HTTP 429 and Retry-After, the body still a Subsonic envelope. */
export class SubsonicRateLimited extends Error {
  override readonly name = "SubsonicRateLimited";
  constructor(
    readonly retryAfterSeconds: number,
    readonly headers: Record<string, string>,
  ) {
    super(`Too many requests; retry in ${retryAfterSeconds} s.`);
  }
}

// A deliberate isolate cache keyed by the bindings object, like the context's other services.
const built = new WeakMap<object, SubsonicRateLimits>();
const fallbackLimiter = memoryRateLimiter();
const noBindings: Record<string, unknown> = {};

function isNamespace(value: unknown): value is WorkerBindings["RATE_LIMITER"] {
  return typeof value === "object" && value !== null && typeof (value as { idFromName?: unknown }).idFromName === "function";
}

export function subsonicRateLimits(c: Context<GatewayEnv>): SubsonicRateLimits {
  const env: unknown = c.env;
  const source = typeof env === "object" && env !== null ? (env as Record<string, unknown>) : noBindings;
  let limits = built.get(source);
  if (!limits) {
    const config = parseConfig(subsonicRateConfigSchema, source);
    limits = {
      limiter: isNamespace(source.RATE_LIMITER) ? durableRateLimiter(source.RATE_LIMITER) : fallbackLimiter,
      perCredential: { name: "subsonic", ...config.SUBSONIC_RATE_LIMIT },
      perAddress: { name: "subsonic-ip", ...config.SUBSONIC_RATE_LIMIT_IP },
      // Cloudflare sets cf-connecting-ip; a forwarded header is trusted only off production, as the gateway does.
      trustProxyHeaders: config.ENVIRONMENT !== "production",
    };
    built.set(source, limits);
  }
  return limits;
}

async function charge(c: Context<GatewayEnv>, limits: SubsonicRateLimits, key: string, policy: RatePolicy): Promise<Record<string, string>> {
  let decision: RateDecision;
  try {
    decision = await limits.limiter.take(key, policy);
  } catch (error) {
    // Failing open, as the gateway does off the credential routes: a limiter outage must not stop playback.
    c.get("log").error("rate limiter unavailable; subsonic request let through", { error });
    return {};
  }
  const headers = rateLimitHeaders([policy], [decision]);
  if (!decision.allowed) throw new SubsonicRateLimited(decision.retryAfterSeconds, { ...headers, "retry-after": String(decision.retryAfterSeconds) });
  return headers;
}

/** Before authenticating: the client address's bucket. */
export function chargeAddress(c: Context<GatewayEnv>): Promise<Record<string, string>> {
  const limits = subsonicRateLimits(c);
  return charge(c, limits, `subsonic-ip:${clientAddress(c.req.raw, limits.trustProxyHeaders)}`, limits.perAddress);
}

/** Once authenticated: the device credential's bucket. */
export function chargeCredential(c: Context<GatewayEnv>, credentialId: string): Promise<Record<string, string>> {
  const limits = subsonicRateLimits(c);
  return charge(c, limits, `subsonic:${credentialId}`, limits.perCredential);
}
