/**
 * The checks a production Worker runs before answering anything: every secret
 * that production requires is set and none is a public sandbox value. They run
 * whenever ENVIRONMENT is production or unset (production is the default), so
 * no other setting can switch them off; a failure makes the entry answer 503.
 */
import { ConfigError, parseConfig } from "../../shared/config.ts";
import { authConfigSchema } from "../auth/config.ts";
import { paymentProvidersConfigSchema } from "../billing/providers/config.ts";
import { playbackConfigSchema } from "../playback/config.ts";

export function isProduction(env: Record<string, unknown>): boolean {
  return env.ENVIRONMENT === undefined || env.ENVIRONMENT === "" || env.ENVIRONMENT === "production";
}

/** Throws ConfigError naming every missing secret or sandbox credential in production. */
export function checkProductionConfig(env: Record<string, unknown>): void {
  if (!isProduction(env)) return;
  const production = { ...env, ENVIRONMENT: "production" };
  const issues: ConfigError["issues"][number][] = [];
  for (const schema of [paymentProvidersConfigSchema, authConfigSchema, playbackConfigSchema]) {
    try {
      parseConfig(schema, production);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
    }
  }
  // Every problem at once, so an operator fixes them in one deploy.
  if (issues.length > 0) throw new ConfigError(issues);
}
