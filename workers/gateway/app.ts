import { OpenAPIHono } from "@hono/zod-openapi";
import type { LogLevel } from "../../shared/logger.ts";
import type { GatewayEnv, ServicesFactory } from "./context.ts";
import { requestContext } from "./middleware/request-context.ts";
import { notFoundOrMethodNotAllowed, onError, validationError } from "./problem.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerHealthz } from "./routes/healthz.ts";

export interface GatewayOptions {
  services: ServicesFactory;
  logLevel?: LogLevel;
}

/**
 * The gateway as a plain Web-standard app: no Cloudflare bindings in here, so
 * the same app runs in workerd, Deno and Node. Entries only wire services.
 */
export function createGatewayApp(options: GatewayOptions): OpenAPIHono<GatewayEnv> {
  const app = new OpenAPIHono<GatewayEnv>({
    defaultHook: function rejectInvalidInput(result) {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
  app.use("*", requestContext({ services: options.services, logLevel: options.logLevel ?? "info" }));
  registerHealthz(app);
  registerDocs(app);
  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(onError);
  return app;
}
