/**
 * Structured logging: one JSON object per line on stdout/stderr, which both
 * Workers Logs and any log shipper on the origin parse without configuration.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** @example createLogger({ service: "gateway" }, "info").info("started", { port: 8787 }) */
export function createLogger(bound: LogFields = {}, level: LogLevel = "info"): Logger {
  const write = (at: LogLevel) =>
    function log(message: string, fields: LogFields = {}): void {
      if (rank[at] < rank[level]) return;
      const line = JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...bound, ...serialise(fields) });
      if (at === "error" || at === "warn") console.error(line);
      else console.log(line);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (fields) => createLogger({ ...bound, ...fields }, level),
  };
}

function serialise(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? errorFields(value, 0) : value;
  }
  return out;
}

/**
 * An error as log fields, with what says why: its `code`, its `cause`, and the
 * errors an AggregateError carries ("Producing messages failed." alone named no
 * broker error). Bounded: two levels, five inner errors.
 */
function errorFields(error: Error, depth: number): LogFields {
  const fields: LogFields = { name: error.name, message: error.message, stack: error.stack };
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") fields.code = code;
  if (depth >= 2) return fields;
  const inner = (value: unknown) => (value instanceof Error ? errorFields(value, depth + 1) : String(value));
  if (error.cause !== undefined) fields.cause = inner(error.cause);
  if (error instanceof AggregateError && Array.isArray(error.errors) && error.errors.length > 0) {
    fields.errors = error.errors.slice(0, 5).map(inner);
    if (error.errors.length > 5) fields.moreErrors = error.errors.length - 5;
  }
  return fields;
}

/**
 * `base.child(fields())`, made only when a line is written through it: a
 * consumer binds a logger to every record it handles, and most of them never
 * log, so building each one up front costs the hot path for nothing.
 */
export function lazyChild(base: Logger, fields: () => LogFields): Logger {
  let made: Logger | undefined;
  const get = () => {
    made ??= base.child(fields());
    return made;
  };
  return {
    debug: (message, more) => get().debug(message, more),
    info: (message, more) => get().info(message, more),
    warn: (message, more) => get().warn(message, more),
    error: (message, more) => get().error(message, more),
    child: (more) => get().child(more),
  };
}
