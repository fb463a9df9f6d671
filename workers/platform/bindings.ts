import type { RateLimiter } from "../../durable-objects/rate-limiter/rate-limiter.ts";
import type { SessionDurableObject } from "../../durable-objects/session/session.ts";

/** The bindings and vars of the TUNEC Worker (wrangler.toml). */
export interface WorkerBindings {
  HYPERDRIVE: Hyperdrive;
  /** One Session Durable Object per user: refresh-token families and devices. */
  SESSIONS: DurableObjectNamespace<SessionDurableObject>;
  /** Secret: JSON array of private JWKs with kid and status (workers/auth/signing-keys.ts). */
  JWT_SIGNING_KEYS?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** One RateLimiter Durable Object per client key (IP, user, login email). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Rate limits as `<limit>/<window>`, e.g. "10/1m" (shared/config.ts rateLimitConfigSchema). */
  RATE_LIMIT_ANONYMOUS?: string;
  RATE_LIMIT_USER?: string;
  RATE_LIMIT_LOGIN_IP?: string;
  RATE_LIMIT_LOGIN_EMAIL?: string;
  RATE_LIMIT_REGISTER?: string;
  RATE_LIMIT_REFRESH?: string;
  ENVIRONMENT?: string;
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    // `cloudflare:test`'s `env` is typed by this interface.
    interface Env extends WorkerBindings {}
  }
}
