import type { MiddlewareHandler } from "hono";
import { createLogger, type LogLevel } from "../../../shared/logger.ts";
import type { GatewayEnv, ServicesFactory } from "../../platform/edge/context.ts";

const requestIdPattern = /^[A-Za-z0-9._-]{8,128}$/;
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Gives every request an id (kept from `X-Request-Id` when well-formed), joins
 * or starts a W3C trace, builds the per-request services and writes one
 * structured access-log line.
 */
export function requestContext(options: { services: ServicesFactory; logLevel: LogLevel }): MiddlewareHandler<GatewayEnv> {
  return async function requestContextMiddleware(c, next) {
    const started = performance.now();
    const incomingId = c.req.header("x-request-id");
    const requestId = incomingId && requestIdPattern.test(incomingId) ? incomingId : crypto.randomUUID();
    const incomingTrace = traceparentPattern.exec(c.req.header("traceparent") ?? "");
    const traceId = incomingTrace?.[1] && !/^0+$/.test(incomingTrace[1]) ? incomingTrace[1] : randomHex(16);
    const traceparent = `00-${traceId}-${randomHex(8)}-01`;
    const log = createLogger({ service: "gateway", request_id: requestId, trace_id: traceId }, options.logLevel);
    c.set("requestId", requestId);
    c.set("traceId", traceId);
    c.set("traceparent", traceparent);
    c.set("log", log);
    const { services, release } = options.services(c.req.raw);
    c.set("services", services);
    try {
      await next();
    } finally {
      c.header("x-request-id", requestId);
      c.header("traceparent", traceparent);
      log.info("request", {
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        status: c.res.status,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      });
      const releasing = release().catch((error: unknown) => log.warn("releasing request services failed", { error }));
      try {
        c.executionCtx.waitUntil(releasing);
      } catch {
        // Outside Workers there is no execution context; the promise settles on its own.
      }
    }
  };
}
