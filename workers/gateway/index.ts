/**
 * Cloudflare Workers entry: the only gateway file that knows about bindings.
 * It validates the Worker's configuration once per isolate and wires a
 * per-request database over Hyperdrive into the Web-standard app.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { ConfigError, edgeConfigSchema, parseConfig } from "../../shared/config.ts";
import { assetDataFiles, provideDataFiles } from "../../shared/data-files.ts";
import { createLogger } from "../../shared/logger.ts";
import type { WorkerBindings } from "../platform/bindings.ts";
import { createEdgeDatabase } from "../platform/edge-database.ts";
import { createWorkerAuth } from "../auth/worker-services.ts";
import { createWorkerSearchCache } from "../search/worker-cache.ts";
import { createWorkerSearch } from "../search/worker-search.ts";
import { createGatewayApp } from "./app.ts";
import { assertProductionConfig } from "./production-config.ts";
import { createWorkerRateLimit } from "./middleware/rate-limit-worker.ts";
import { createWorkerOAuth } from "../auth/oauth/worker-settings.ts";
import type { GatewayEnv } from "../platform/edge/context.ts";

// A deliberate isolate cache: the app holds no request state, only routing tables.
const apps = new WeakMap<object, OpenAPIHono<GatewayEnv>>();

function appFor(env: WorkerBindings): OpenAPIHono<GatewayEnv> {
  let app = apps.get(env);
  if (!app) {
    const config = parseConfig(edgeConfigSchema, { ENVIRONMENT: env.ENVIRONMENT, LOG_LEVEL: env.LOG_LEVEL });
    assertProductionConfig(env as unknown as Record<string, unknown>);
    // The password list and the Russian problem catalogue: static assets read on first use.
    provideDataFiles(assetDataFiles(env.ASSETS));
    const auth = createWorkerAuth(env, createLogger({ service: "gateway" }, config.LOG_LEVEL));
    const cache = createWorkerSearchCache(env, createLogger({ service: "gateway" }, config.LOG_LEVEL));
    const search = createWorkerSearch(env);
    app = createGatewayApp({
      logLevel: config.LOG_LEVEL,
      rateLimit: createWorkerRateLimit(env),
      oauth: createWorkerOAuth(env),
      webApp: (request) => env.ASSETS.fetch(request),
      services: () => {
        // Hyperdrive pools for us; a client per request is its recommended use. Made on first use:
        // hot routes answered from isolate caches and Durable Objects (GET /stream, /me) need none.
        let db: ReturnType<typeof createEdgeDatabase> | undefined;
        const services = {
          get db() {
            db ??= createEdgeDatabase(env.HYPERDRIVE.connectionString);
            return db;
          },
          detachedDb: () => createEdgeDatabase(env.HYPERDRIVE.connectionString),
          auth,
          cache,
          search,
          mediaBaseUrl: env.MEDIA_BASE_URL,
        };
        return { services, release: async () => db?.destroy() };
      },
    });
    apps.set(env, app);
  }
  return app;
}

export { SessionDurableObject } from "../../durable-objects/session/session.ts";
export { RateLimiter } from "../../durable-objects/rate-limiter/rate-limiter.ts";
export { OutboxRelay } from "../../durable-objects/outbox-relay/outbox-relay.ts";

export default {
  fetch(request, env, ctx) {
    try {
      return appFor(env).fetch(request, env, ctx);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      createLogger({ service: "gateway" }).error("invalid worker configuration", { issues: error.issues });
      return new Response(
        JSON.stringify({
          type: "https://tunec.dev/problems/service-unavailable",
          title: "Service unavailable",
          status: 503,
          code: "SERVICE_UNAVAILABLE",
          detail: "The service is misconfigured; operators have been alerted.",
        }),
        { status: 503, headers: { "content-type": "application/problem+json" } },
      );
    }
  },
} satisfies ExportedHandler<WorkerBindings>;
