import type { MiddlewareHandler } from "hono";
import { loadRussianCatalogue, problemLanguage } from "../../../shared/i18n/problem-text.ts";
import type { GatewayEnv } from "../../platform/edge/context.ts";

/**
 * Reads the Russian problem catalogue (a static asset, not part of the script)
 * before a request that prefers Russian runs, so any problem it ends in can be
 * answered synchronously in Russian. Once per isolate; English ones never wait.
 */
export function problemCatalogue(): MiddlewareHandler<GatewayEnv> {
  return async function loadProblemCatalogue(c, next) {
    if (problemLanguage(c.req.header("accept-language")) === "ru") {
      await loadRussianCatalogue((error) => c.get("log")?.error("the Russian problem catalogue could not be read; answering in English", { error }));
    }
    await next();
  };
}
