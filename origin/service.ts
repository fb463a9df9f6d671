import type { Kysely } from "kysely";
import type { NodeConfig } from "../shared/config.ts";
import type { Database } from "../shared/db/database.ts";
import type { Logger } from "../shared/logger.ts";

/** What every origin service gets from the runtime. */
export interface OriginContext {
  config: NodeConfig & { DATABASE_URL: string };
  db: Kysely<Database>;
  log: Logger;
}

export interface RunningService {
  /** Stops taking work, finishes what is in flight, releases resources. */
  stop(): Promise<void>;
}

export interface OriginService {
  name: string;
  description: string;
  start(context: OriginContext): Promise<RunningService>;
}
