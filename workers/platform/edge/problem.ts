import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { AppError, errorSpec, toProblem, type FieldError } from "../../../shared/errors.ts";
import { isDatabaseTimeout } from "../../../shared/db/timeouts.ts";
import { localizeProblem, problemLanguage, russianCatalogueLoaded } from "../../../shared/i18n/problem-text.ts";
import type { GatewayEnv } from "./context.ts";

/** A database timeout passes in seconds; clients wait this long before retrying. */
const databaseRetryAfterSeconds = 5;

/**
 * Answers with an RFC 9457 problem; the one place errors meet the wire. The
 * title, detail and field messages follow Accept-Language (English or Russian;
 * English while the Russian catalogue is not loaded: workers/gateway/middleware/problem-language.ts).
 */
export function problemResponse(c: Context<GatewayEnv>, error: AppError): Response {
  const language = problemLanguage(c.req.header("accept-language")) === "ru" && russianCatalogueLoaded() ? "ru" : "en";
  const body = localizeProblem(toProblem(error, new URL(c.req.url).pathname, c.get("requestId")), language);
  const headers = new Headers({ "content-type": "application/problem+json", "content-language": language, vary: "accept-language" });
  for (const [name, value] of Object.entries(error.extensions.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(body), { status: errorSpec(error.code).status, headers });
}

/** Maps anything thrown in a handler to a problem; internals go to the log, never the wire. */
export const onError: ErrorHandler<GatewayEnv> = function mapErrorToProblem(error, c) {
  if (error instanceof AppError) return problemResponse(c, error);
  if (error instanceof HTTPException) return problemResponse(c, fromHttpException(error));
  if (isDatabaseTimeout(error)) {
    c.get("log")?.warn("database timeout", { error });
    return problemResponse(
      c,
      new AppError("SERVICE_UNAVAILABLE", "The database is slow to answer; try again shortly.", {
        headers: { "retry-after": String(databaseRetryAfterSeconds) },
      }),
    );
  }
  c.get("log")?.error("unhandled error", { error });
  return problemResponse(c, new AppError("INTERNAL", "The server could not complete the request; it has been logged."));
};

function fromHttpException(error: HTTPException): AppError {
  if (error.status === 400 && /json/i.test(error.message)) {
    return new AppError("MALFORMED_JSON", "The request body is not valid JSON.");
  }
  switch (error.status) {
    case 400:
      return new AppError("BAD_REQUEST", error.message);
    case 401:
      return new AppError("UNAUTHORIZED", error.message);
    case 403:
      return new AppError("FORBIDDEN", error.message);
    case 404:
      return new AppError("NOT_FOUND", error.message);
    case 413:
      return new AppError("PAYLOAD_TOO_LARGE", error.message);
    case 415:
      return new AppError("UNSUPPORTED_MEDIA_TYPE", error.message);
    default:
      return new AppError(error.status >= 500 ? "INTERNAL" : "BAD_REQUEST", error.status >= 500 ? undefined : error.message);
  }
}

/** Schema violations name each offending field, e.g. `body.title`. */
export function validationError(error: z.ZodError, target: string): AppError {
  const errors: FieldError[] = error.issues.map((issue) => ({
    field: [target === "json" ? "body" : target, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const fields = [...new Set(errors.map((e) => e.field))].join(", ");
  return new AppError("VALIDATION_FAILED", `Invalid value for ${fields}.`, { errors });
}

interface RouteEntry {
  method: string;
  path: string;
}

/**
 * Unknown route → 404, known path with another method → 405 with `Allow`.
 * Hono itself only knows "no handler", so the route table decides which.
 */
export function notFoundOrMethodNotAllowed(routes: () => readonly RouteEntry[]): NotFoundHandler<GatewayEnv> {
  return function routeNotFound(c) {
    const path = new URL(c.req.url).pathname;
    const allowed = new Set<string>();
    for (const route of routes()) {
      if (route.method === "ALL" || route.path.includes("*")) continue;
      if (pathPattern(route.path).test(path)) allowed.add(route.method);
    }
    if (allowed.size > 0) {
      if (allowed.has("GET")) allowed.add("HEAD");
      const allow = [...allowed].sort().join(", ");
      return problemResponse(c, new AppError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${path}; use ${allow}.`, { headers: { allow } }));
    }
    return problemResponse(c, new AppError("ROUTE_NOT_FOUND", `No route matches ${c.req.method} ${path}.`));
  };
}

const patterns = new Map<string, RegExp>();
function pathPattern(routePath: string): RegExp {
  let pattern = patterns.get(routePath);
  if (!pattern) {
    const source = routePath
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(routePath, pattern);
  }
  return pattern;
}
