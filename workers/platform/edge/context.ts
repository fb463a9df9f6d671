import type { Kysely } from "kysely";
import type { Cache } from "../../../shared/cache/cache.ts";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import type { Principal } from "../../auth/access-token.ts";
import type { AuthServices } from "../../auth/services.ts";
import type { PaymentProviders } from "../../billing/domain/payment-providers.ts";
import type { SearchPort } from "../../search/search-port.ts";

/** What a request handler may use; built per request by the runtime's entry. */
export interface GatewayServices {
  db: Kysely<Database>;
  /**
   * A new handle that outlives the request, for work behind the answer (`waitUntil`); the
   * caller destroys it. Absent where `db` is not closed with the request (a shared pool).
   */
  detachedDb?: () => Kysely<Database>;
  /** Absent where a runtime has no auth wired: auth routes answer 503, tokens are refused. */
  auth?: AuthServices;
  /** Cached search pages (Upstash Redis at the edge); absent = every search asks the database. */
  cache?: Cache;
  /** The search engine (workers/search/search-port.ts); absent = PostgreSQL on `db`. */
  search?: SearchPort;
  /** Where media objects (covers, images) are served, e.g. https://media.tunec.dev/; default "/media/". */
  mediaBaseUrl?: string;
  /** Payment adapters wired by the runtime or a test; absent = built from the Worker's bindings. */
  payments?: PaymentProviders;
}

/**
 * Builds the services for one request. `release` runs after the response is
 * produced (on Workers through `waitUntil`), so per-request connections close.
 */
export type ServicesFactory = (request: Request) => { services: GatewayServices; release: () => Promise<void> };

export interface GatewayEnv {
  Variables: {
    requestId: string;
    /** W3C trace id (32 hex) carried into outbox events and origin logs. */
    traceId: string;
    traceparent: string;
    log: Logger;
    services: GatewayServices;
    /** Set by the `authenticate` middleware when a valid access token came with the request. */
    principal: Principal | undefined;
    /** What the request's Authorization header held: nothing, a valid token, or a refused one. */
    credentials: "none" | "valid" | "invalid";
  };
}
