import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
}

/** Spawns a process and records its combined output for assertions and failure messages. */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): RunningProcess {
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, output: () => output, exited };
}

/** Polls `url` until it answers `status`, or fails with the process output. */
export async function waitForHttp(url: string, running: RunningProcess, timeoutMs: number, status = 200): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`process exited early (${running.child.exitCode}):\n${running.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === status) return response;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms:\n${running.output()}`);
}

/**
 * The environment of a private `npm start` (scripts/start.ts) for an end-to-end
 * suite: its own data directory and free ports for every listener, and none of
 * DATABASE_URL, KAFKA_BROKERS or OPENSEARCH_URL (CI's shared services), so it
 * runs on the embedded defaults.
 */
export async function embeddedSystemEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  const { DATABASE_URL: _db, KAFKA_BROKERS: _kafka, OPENSEARCH_URL: _search, ...inherited } = process.env;
  return {
    ...inherited,
    WRANGLER_SEND_METRICS: "false",
    LOG_LEVEL: "warn",
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(await freePort()),
    EMBEDDED_DB_PORT: String(await freePort()),
    SBP_SANDBOX_PORT: String(await freePort()),
    USDT_SANDBOX_PORT: String(await freePort()),
    SMTP_SINK_PORT: String(await freePort()),
    SMTP_SINK_HTTP_PORT: String(await freePort()),
  };
}

/** Waits until `text` appears in the process's output; fails with the output when it exits or time runs out. */
export async function waitForOutput(running: RunningProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(text)) {
    if (running.child.exitCode !== null || Date.now() > deadline) throw new Error(`expected "${text}" in the output:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
