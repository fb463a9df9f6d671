import { z } from "zod";

/**
 * Typed configuration for every TUNEC process. Each process validates its whole
 * environment once at start-up; a bad setting stops it with one message that
 * names every offending variable and what it expects.
 */

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: ReadonlyArray<{ variable: string; problem: string }>) {
    super(
      "Invalid configuration:\n" +
        issues.map((issue) => `  - ${issue.variable}: ${issue.problem}`).join("\n"),
    );
  }
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: "expected a TCP port number (1-65535)" })
    .int("expected a TCP port number (1-65535)")
    .min(1, "expected a TCP port number (1-65535)")
    .max(65535, "expected a TCP port number (1-65535)")
    .default(fallback);

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, "expected a PostgreSQL URL such as postgres://user:pass@host:5432/db");

const logLevel = z.enum(["debug", "info", "warn", "error"], {
  error: "expected one of debug, info, warn, error",
});

const brokerList = z
  .string()
  .transform((value) => value.split(",").map((broker) => broker.trim()).filter(Boolean))
  .pipe(
    z
      .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, "expected host:port"))
      .min(1, "expected a comma-separated list of host:port"),
  );

/** Settings of the Node side: `npm start`, the origin services and the scripts. */
export const nodeConfigSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  EMBEDDED_DB_PORT: port(54329),
  GATEWAY_PORT: port(8787),
  LOG_LEVEL: logLevel.default("info"),
  KAFKA_BROKERS: brokerList.optional(),
});
export type NodeConfig = z.infer<typeof nodeConfigSchema>;

/** Settings of the edge Worker, read from its bindings and vars. */
export const edgeConfigSchema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"], {
    error: "expected one of development, test, production",
  }).default("production"),
  LOG_LEVEL: logLevel.default("info"),
});
export type EdgeConfig = z.infer<typeof edgeConfigSchema>;

/**
 * Validates `source` against `schema`, collecting every problem at once.
 * @example parseConfig(nodeConfigSchema, process.env)
 */
export function parseConfig<S extends z.ZodType>(schema: S, source: Record<string, unknown>): z.infer<S> {
  // Empty strings mean "unset" for environment variables, as shells produce them.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path[0];
      const received = typeof key === "string" ? cleaned[key] : undefined;
      return {
        variable: issue.path.map(String).join(".") || "(root)",
        problem: received === undefined ? `is required (${issue.message})` : `${issue.message}, got ${JSON.stringify(received)}`,
      };
    }),
  );
}
