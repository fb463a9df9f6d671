import { join } from "node:path";
import type { NodeConfig } from "../shared/config.ts";
import { startEmbeddedDatabase } from "../origin/platform/embedded-database.ts";

/** `DATABASE_URL` when set, otherwise the embedded PGlite under DATA_DIR. */
export async function resolveDatabase(config: NodeConfig): Promise<{ url: string; embedded: boolean; stop(): Promise<void> }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => undefined };
  const database = await startEmbeddedDatabase({ dataDir: join(config.DATA_DIR, "pglite"), port: config.EMBEDDED_DB_PORT });
  return { url: database.url, embedded: true, stop: () => database.stop() };
}
