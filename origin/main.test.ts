import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../shared/testing/test-database.ts";
import { startProcess, type RunningProcess } from "../test/processes.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;

async function waitForOutput(running: RunningProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!running.output().includes(text)) {
    if (running.child.exitCode !== null || Date.now() > deadline) throw new Error(`expected "${text}" in:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("origin entry (npm run origin)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.drop();
  });

  function env(): NodeJS.ProcessEnv {
    const { KAFKA_BROKERS: _kafka, ...rest } = process.env;
    return { ...rest, DATABASE_URL: database.url, LOG_LEVEL: "info" };
  }

  it("lists the services", async () => {
    const run = startProcess(tsx, ["origin/main.ts", "--list"], env(), root);
    expect(await run.exited).toBe(0);
    expect(run.output()).toMatch(/^cdc\t/m);
  });

  it("refuses an unknown service by name", async () => {
    const run = startProcess(tsx, ["origin/main.ts", "--service", "nope"], env(), root);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("Unknown service nope; known services: cdc");
  });

  it("runs one service by name and shuts down gracefully on SIGTERM", async () => {
    const run = startProcess(tsx, ["origin/main.ts", "--service", "cdc"], env(), root);
    await waitForOutput(run, '"msg":"service started"', 60_000);
    expect(run.output()).toContain('"name":"cdc"');
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('"msg":"service stopped"');
  });

  it("exits non-zero naming a malformed setting", async () => {
    const run = startProcess(tsx, ["origin/main.ts"], { ...env(), CDC_MODE: "sometimes" }, root);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain("CDC_MODE: expected one of auto, wal, trigger");
  });
});
