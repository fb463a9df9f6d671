/**
 * Everything a production deploy must have, checked together when an isolate
 * builds its app, so a bad deploy answers 503 on every route (and logs each
 * missing or unsafe value) instead of failing one feature at a time, or worse,
 * serving with a development default. Outside production each context keeps
 * its own lazy check and development conveniences.
 */
import type { z } from "zod";
import { ConfigError, ingestionEdgeConfigSchema, parseConfig } from "../../shared/config.ts";
import { authConfigSchema } from "../auth/config.ts";
import { paymentProvidersConfigSchema } from "../billing/domain/providers/index.ts";
import { playbackConfigSchema } from "../playback/config.ts";
import { subsonicConfigSchema } from "../subsonic/config.ts";

const productionSchemas: ReadonlyArray<z.ZodType> = [
  authConfigSchema,
  ingestionEdgeConfigSchema,
  playbackConfigSchema,
  paymentProvidersConfigSchema,
  subsonicConfigSchema,
];

/** True unless the Worker is explicitly told it runs for development or tests: a deploy without the variable is production. */
export function isProduction(bindings: Record<string, unknown>): boolean {
  const environment = bindings.ENVIRONMENT;
  return environment !== "development" && environment !== "test";
}

/** Throws one ConfigError listing every production setting that is missing or unsafe. */
export function assertProductionConfig(bindings: Record<string, unknown>): void {
  if (!isProduction(bindings)) return;
  const source = { ...bindings, ENVIRONMENT: "production" };
  const issues: Array<{ variable: string; problem: string }> = [];
  for (const schema of productionSchemas) {
    try {
      parseConfig(schema, source);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const issue of error.issues) if (!issues.some((seen) => seen.variable === issue.variable)) issues.push(issue);
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}
