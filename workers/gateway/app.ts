import { OpenAPIHono } from "@hono/zod-openapi";
import type { LogLevel } from "../../shared/logger.ts";
import type { GatewayEnv, ServicesFactory } from "../platform/edge/context.ts";
import { registerAdmin } from "../admin/index.ts";
import { registerAudit } from "../audit/index.ts";
import { registerAuth } from "../auth/index.ts";
import type { OAuthSettings } from "../auth/oauth/config.ts";
import { registerOAuth } from "../auth/oauth/routes.ts";
import { registerCatalog } from "../catalog/index.ts";
import { registerCuration } from "../catalog/curation/index.ts";
import { registerOnboarding } from "../catalog/onboarding/index.ts";
import { registerReleases } from "../catalog/releases/index.ts";
import { registerSearch } from "../search/index.ts";
import { registerIngestion } from "../ingestion/index.ts";
import { registerBilling } from "../billing/index.ts";
import { registerNotify } from "../notify/index.ts";
import { registerAds } from "../ads/index.ts";
import { registerPlayback } from "../playback/index.ts";
import { registerUsers } from "../users/index.ts";
import { registerImports } from "../users/imports/index.ts";
import { registerSubsonic } from "../subsonic/index.ts";
import { registerRecs } from "../recs/index.ts";
import { authenticate } from "../platform/edge/authenticate.ts";
import { jsonBodyLimit } from "./middleware/json-body-limit.ts";
import { problemCatalogue } from "./middleware/problem-language.ts";
import { rateLimit, type RateLimitSettings } from "./middleware/rate-limit.ts";
import { requestContext } from "./middleware/request-context.ts";
import { notFoundOrMethodNotAllowed, onError, validationError } from "../platform/edge/problem.ts";
import { registerDocs } from "./routes/docs.ts";
import { registerHealthz } from "./routes/healthz.ts";
import { registerMe } from "./routes/me.ts";
import { registerPing } from "./routes/ping.ts";
import { registerWebApp, type WebAppAssets } from "./routes/web-app.ts";

export interface GatewayOptions {
  services: ServicesFactory;
  logLevel?: LogLevel;
  /** Without it nothing is rate-limited (e.g. a single Deno process behind its own proxy). */
  rateLimit?: RateLimitSettings;
  /** Google / VK ID / Yandex ID sign-in; without it their routes answer 404. */
  oauth?: OAuthSettings;
  /** The built web app's files (the Worker's ASSETS binding); without it /app deep links answer 404. */
  webApp?: WebAppAssets;
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
  app.use("*", problemCatalogue());
  app.use("*", jsonBodyLimit());
  app.use("*", authenticate());
  // After authenticate: a valid token moves the caller from the per-IP to the per-user bucket.
  if (options.rateLimit) app.use("*", rateLimit(options.rateLimit));
  registerHealthz(app);
  registerPing(app);
  registerMe(app);
  registerDocs(app);
  registerAuth(app);
  registerOAuth(app, options.oauth);
  registerCatalog(app);
  registerOnboarding(app);
  registerCuration(app);
  registerReleases(app);
  registerAudit(app);
  registerAdmin(app);
  registerSearch(app);
  registerIngestion(app);
  registerBilling(app);
  registerNotify(app);
  registerAds(app);
  registerPlayback(app);
  registerUsers(app);
  registerImports(app);
  registerRecs(app);
  registerSubsonic(app);
  registerWebApp(app, options.webApp);
  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  app.onError(onError);
  return app;
}
