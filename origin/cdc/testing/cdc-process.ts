/** The CDC as a real child process (`origin/main.ts --service cdc`), for crash tests. */
import { fileURLToPath } from "node:url";
import { startProcess, type RunningProcess } from "../../../test/processes.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ProcessEnv {
  DATABASE_URL: string;
  CDC_SLOT: string;
  CDC_MODE: string;
  /** "" for the PostgreSQL log. */
  KAFKA_BROKERS: string;
}

/**
 * Starts an origin entry point with the given services in ONE process: Node
 * with tsx as an import hook (the tsx CLI would put the service in a
 * grandchild that SIGKILL of the child leaves running).
 */
export function startOriginProcess(services: string[], env: ProcessEnv & Record<string, string>): RunningProcess {
  const { KAFKA_BROKERS, ...rest } = env;
  const { KAFKA_BROKERS: _inherited, ...parent } = process.env;
  return startProcess(
    process.execPath,
    ["--import", "tsx", "origin/main.ts", ...services.flatMap((name) => ["--service", name])],
    { ...parent, ...rest, ...(KAFKA_BROKERS ? { KAFKA_BROKERS } : {}), LOG_LEVEL: process.env.CDC_CHILD_LOG_LEVEL ?? "warn", CI: process.env.CI ?? "" },
    root,
  );
}

/** SIGKILLs the process and waits until it is gone. */
export async function killHard(running: RunningProcess): Promise<void> {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGKILL");
  await running.exited;
}

/** SIGTERMs the process (graceful drain) and waits; SIGKILL after `graceMs`. */
export async function stopGracefully(running: RunningProcess, graceMs = 15_000): Promise<number | string> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.exited;
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => running.child.kill("SIGKILL"), graceMs);
  try {
    return await running.exited;
  } finally {
    clearTimeout(timer);
  }
}
