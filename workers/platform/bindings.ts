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
  ENVIRONMENT?: string;
  LOG_LEVEL?: string;
}

declare global {
  namespace Cloudflare {
    // `cloudflare:test`'s `env` is typed by this interface.
    interface Env extends WorkerBindings {}
  }
}
