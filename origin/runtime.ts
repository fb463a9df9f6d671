import type { NodeConfig } from "../shared/config.ts";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import type { OriginService, RunningService } from "./service.ts";
import { originServices } from "./services.ts";

export class UnknownServiceError extends Error {
  override readonly name = "UnknownServiceError";
}

/** Picks services by name; an empty list means all of them. */
export function selectServices(names: readonly string[], registry: readonly OriginService[] = originServices): OriginService[] {
  if (names.length === 0) return [...registry];
  const byName = new Map(registry.map((service) => [service.name, service]));
  const unknown = names.filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new UnknownServiceError(
      `Unknown service ${unknown.join(", ")}; known services: ${registry.map((s) => s.name).join(", ")}`,
    );
  }
  return names.map((name) => byName.get(name)).filter((service): service is OriginService => service !== undefined);
}

export interface OriginHandle {
  services: string[];
  /** Stops services in reverse start order, then closes the database pool. */
  stop(): Promise<void>;
}

/** Starts the chosen origin services in this process. */
export async function startOrigin(
  config: NodeConfig & { DATABASE_URL: string },
  services: readonly OriginService[],
): Promise<OriginHandle> {
  const log = createLogger({ service: "origin" }, config.LOG_LEVEL);
  const db = createPostgresDatabase(config.DATABASE_URL, { applicationName: "tunec-origin" });
  const running: Array<{ name: string; handle: RunningService }> = [];
  try {
    for (const service of services) {
      const handle = await service.start({ config, db, log: log.child({ service: service.name }) });
      running.push({ name: service.name, handle });
      log.info("service started", { name: service.name });
    }
  } catch (error) {
    await stopAll(running, log);
    await db.destroy();
    throw error;
  }
  return {
    services: running.map((entry) => entry.name),
    async stop() {
      await stopAll(running, log);
      await db.destroy();
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
