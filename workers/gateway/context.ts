import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";

/** What a request handler may use; built per request by the runtime's entry. */
export interface GatewayServices {
  db: Kysely<Database>;
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
  };
}
