import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../../shared/errors.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";

/** Every JSON body this API takes (a playlist edit, a subscribe, a profile) is a few KiB at most. */
export const maxJsonBodyBytes = 256 * 1024;

/**
 * Refuses JSON bodies over `maxJsonBodyBytes` with 413 before a route parses
 * them. Uploads, spot audio and import files are not JSON and keep their own,
 * larger limits on their routes.
 */
export function jsonBodyLimit(): MiddlewareHandler<GatewayEnv> {
  const limit = bodyLimit({
    maxSize: maxJsonBodyBytes,
    onError() {
      throw new AppError("PAYLOAD_TOO_LARGE", `A JSON body may be at most ${maxJsonBodyBytes / 1024} KiB.`);
    },
  });
  return async function limitJsonBodies(c, next) {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(type)) return next();
    return limit(c, next);
  };
}
