import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { fuzzystrmatch } from "@electric-sql/pglite/contrib/fuzzystrmatch";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { pinExtendedQueryBatches } from "./pglite-socket-pinning.ts";
import { tableWriteHints, watchTableWrites } from "./table-write-hints.ts";

export interface EmbeddedDatabase {
  /** postgres:// URL that any PostgreSQL client (pg in Node or workerd) can use. */
  url: string;
  stop(): Promise<void>;
}

/**
 * The embedded default database: PGlite in this process, persisted in
 * `dataDir` (or in memory when omitted), served on a local PostgreSQL socket so
 * the Worker in workerd and the origin services reach it like a real server.
 * @example const db = await startEmbeddedDatabase({ dataDir: ".data/pglite", port: 54329 });
 */
export async function startEmbeddedDatabase(options: { dataDir?: string; port: number; host?: string }): Promise<EmbeddedDatabase> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  // pg_trgm and fuzzystrmatch back search's typo tolerance (migrations/0020, 0022 create the extensions).
  const pglite = await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), extensions: { pg_trgm, fuzzystrmatch } });
  const host = options.host ?? "127.0.0.1";
  // PGlite is single-session; the socket server multiplexes clients onto it.
  const server = new PGLiteSocketServer({ db: pglite, host, port: options.port, maxConnections: 64 });
  pinExtendedQueryBatches(server);
  // The CDC relay and the work-queue loops (uploads, notifications, imports, replays) wait for
  // these instead of polling (PGlite cannot LISTEN).
  const stopTableHints = watchTableWrites(server);
  await server.start();
  const address = server.getServerConn();
  const port = Number(address.split(":").pop() ?? options.port);
  const stopServing = tableWriteHints.serving(port);
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      stopServing();
      stopTableHints();
      await server.stop();
      await pglite.close();
    },
  };
}
