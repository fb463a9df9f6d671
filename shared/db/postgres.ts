import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./database.ts";

export interface PostgresOptions {
  /** Pool size; the edge opens one short-lived pool per request, so 1 there. */
  maxConnections?: number;
  applicationName?: string;
  /**
   * Server-side limit of one statement (PostgreSQL statement_timeout), with a client-side read
   * timeout a little longer, so a slow database fails a request quickly instead of hanging it.
   * Unset for scripts whose statements are long on purpose (migrations, reindex).
   */
  statementTimeoutMs?: number;
  /** Client-side limit only (no server parameter): where a proxy may not pass startup options. */
  queryTimeoutMs?: number;
  /** PostgreSQL idle_in_transaction_session_timeout: a transaction left open does not hold locks forever. */
  idleInTransactionTimeoutMs?: number;
  /** Socket factory; workerd passes pg-cloudflare's socket (see workers/platform/edge-database.ts). */
  stream?: (config: { ssl?: unknown }) => unknown;
}

const databaseUrls = new WeakMap<Kysely<Database>, string>();

/**
 * The URL a handle of createPostgresDatabase was made for: each origin
 * service has a pool of its own, so what is decided per database (one
 * consumer-lag timer for all pools of it; whether the embedded database in
 * this process hints its writes) is looked up by URL, not by pool.
 */
export function databaseUrlOf(db: Kysely<Database>): string | undefined {
  return databaseUrls.get(db);
}

/**
 * A Kysely handle over node-postgres. The same code runs in Node, in workerd
 * (`nodejs_compat`, behind Hyperdrive) and in Deno, so every runtime speaks to
 * PostgreSQL the same way.
 * @example const db = createPostgresDatabase(process.env.DATABASE_URL); await db.destroy();
 */
export function createPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? "tunec",
    // Fail fast when the database is down instead of hanging the caller.
    connectionTimeoutMillis: 5_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(options.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs } : {}),
    ...(options.queryTimeoutMs || options.statementTimeoutMs ? { query_timeout: options.queryTimeoutMs ?? (options.statementTimeoutMs ?? 0) + 2_000 } : {}),
    ...(options.stream ? { stream: options.stream as pg.PoolConfig["stream"] } : {}),
  });
  // A client losing its server (or, in workerd, its socket reporting the close
  // after pg ended it) must not crash the process: the query in flight still
  // fails through its own promise, and the pool replaces the client.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  databaseUrls.set(db, connectionString);
  return db;
}
