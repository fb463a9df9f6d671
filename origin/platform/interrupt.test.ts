import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { cleanupOnInterrupt } from "./interrupt.ts";

interface Run {
  lines: string[];
  stderr: string;
  exit: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
  waitFor(text: string, stream?: "stdout" | "stderr"): Promise<void>;
}

function runFixture(...args: string[]): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "origin/platform/testing/interrupt-fixture.ts", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    wake();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    wake();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    get lines() {
      return stdout.split("\n").filter(Boolean);
    },
    get stderr() {
      return stderr;
    },
    exit,
    signal: (name) => child.kill(name),
    async waitFor(text, stream = "stdout") {
      while (!(stream === "stdout" ? stdout : stderr).includes(text)) {
        if (child.exitCode !== null) throw new Error(`fixture exited (${child.exitCode}) before printing ${text}: ${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

describe("cleanupOnInterrupt", () => {
  it("runs the registered cleanups newest first on SIGINT, each once, then exits 130", async () => {
    const run = runFixture();
    await run.waitFor("ready");
    run.signal("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.lines).toEqual(["released", "ready 1 1", "second registered", "first registered"]);
  }, 30_000);

  it("does the same on SIGTERM, exiting 143", async () => {
    const run = runFixture();
    await run.waitFor("ready");
    run.signal("SIGTERM");
    expect(await run.exit).toBe(143);
    expect(run.lines.slice(2)).toEqual(["second registered", "first registered"]);
  }, 30_000);

  it("exits at once on a second signal while a cleanup hangs", async () => {
    const run = runFixture("hang");
    await run.waitFor("ready");
    run.signal("SIGINT");
    await run.waitFor("second registered");
    run.signal("SIGINT");
    expect(await run.exit).toBe(130);
    expect(run.lines).not.toContain("first registered");
  }, 30_000);

  it("leaves no signal handler behind once every cleanup is released, and runs a released cleanup once", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    let runs = 0;
    const release = cleanupOnInterrupt(async () => {
      runs++;
    });
    expect(process.listenerCount("SIGINT")).toBe((before[0] ?? 0) + 1);
    await Promise.all([release(), release()]);
    expect(runs).toBe(1);
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });
});
