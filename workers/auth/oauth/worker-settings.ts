/** The Workers adapter of OAuth sign-in: provider settings from the Worker's vars and secrets. */
import { parseConfig } from "../../../shared/config.ts";
import type { WorkerBindings } from "../../platform/bindings.ts";
import { oauthConfigSchema, providerIds, type OAuthSettings } from "./config.ts";

const suffixes = ["CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI", "ISSUER", "AUTHORIZATION_URL", "TOKEN_URL", "USERINFO_URL"] as const;

/** Throws `ConfigError` naming each bad OAUTH_* variable. */
export function createWorkerOAuth(env: WorkerBindings): OAuthSettings {
  const vars: Record<string, unknown> = { ENVIRONMENT: env.ENVIRONMENT, OAUTH_STATE_SECRET: env.OAUTH_STATE_SECRET };
  const named = env as unknown as Record<string, unknown>;
  for (const id of providerIds) {
    for (const suffix of suffixes) {
      const name = `OAUTH_${id.toUpperCase()}_${suffix}`;
      vars[name] = named[name];
    }
  }
  return parseConfig(oauthConfigSchema, vars);
}
