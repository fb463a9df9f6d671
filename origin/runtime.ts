import type { NodeConfig } from "../shared/config.ts";
import type { Kysely } from "kysely";
import type { Database } from "../shared/db/database.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import type { OriginService, RunningService } from "./service.ts";
import { originServices } from "./services.ts";

/** Background work (sweeps, matching, sagas) may run longer statements than a request. */
export const originTimeouts = { statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 } as const;

export class UnknownServiceError extends Error {
  override readonly name = "UnknownServiceError";
}

/** Picks services by name; an empty list means all of them. */
export function selectServices(names: readonly string[], registry: readonly OriginService[] = originServices): OriginService[] {
  if (names.length === 0) return [...registry];
  const byName = new Map(registry.map((service) => [service.name, service]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new UnknownServiceError(`Unknown service ${unknown.join(", ")}; known services: ${registry.map((s) => s.name).join(", ")}`);
  }
  return names.map((name) => byName.get(name)).filter((service): service is OriginService => service !== undefined);
}

export interface OriginHandle {
  services: string[];
  /** Stops services in reverse start order, then closes the database pool. */
  stop(): Promise<void>;
}

/** Starts the chosen origin services in this process. */
export async function startOrigin(config: NodeConfig & { DATABASE_URL: string }, services: readonly OriginService[]): Promise<OriginHandle> {
  const log = createLogger({ service: "origin" }, config.LOG_LEVEL);
  // A pool per service: one stuck or busy service cannot take the connections of the others, and
  // every statement and open transaction has a time limit.
  const pools: Array<Kysely<Database>> = [];
  const destroyPools = () => Promise.all(pools.map((pool) => pool.destroy()));
  const running: Array<{ name: string; handle: RunningService }> = [];
  try {
    for (const service of services) {
      const db = createPostgresDatabase(config.DATABASE_URL, {
        applicationName: `tunec-${service.name}`,
        maxConnections: config.ORIGIN_POOL_SIZE,
        statementTimeoutMs: originTimeouts.statementTimeoutMs,
        idleInTransactionTimeoutMs: originTimeouts.idleInTransactionTimeoutMs,
      });
      pools.push(db);
      const handle = await service.start({ config, db, log: log.child({ service: service.name }) });
      running.push({ name: service.name, handle });
      log.info("service started", { name: service.name });
    }
  } catch (error) {
    await stopAll(running, log);
    await destroyPools();
    throw error;
  }
  return {
    services: running.map((entry) => entry.name),
    async stop() {
      await stopAll(running, log);
      await destroyPools();
    },
  };
}

async function stopAll(running: Array<{ name: string; handle: RunningService }>, log: ReturnType<typeof createLogger>) {
  for (const entry of [...running].reverse()) {
    try {
      await entry.handle.stop();
      log.info("service stopped", { name: entry.name });
    } catch (error) {
      log.error("service failed to stop cleanly", { name: entry.name, error });
    }
  }
}
