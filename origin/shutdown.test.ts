import { describe, expect, it } from "vitest";
import { installShutdown } from "./shutdown.ts";

function harness(stop: () => Promise<void>, deadlineMs = 100) {
  const handlers = new Map<string, () => void>();
  const exits: number[] = [];
  installShutdown(stop, { deadlineMs, exit: (code) => exits.push(code), onSignal: (signal, handler) => handlers.set(signal, handler), log: () => undefined });
  return { exits, signal: (name: string) => handlers.get(name)?.() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("origin shutdown", () => {
  it("stops and exits 0", async () => {
    const run = harness(async () => undefined);
    run.signal("SIGTERM");
    await sleep(10);
    expect(run.exits).toEqual([0]);
  });

  it("exits 1 at the deadline when stopping hangs", async () => {
    const run = harness(() => new Promise(() => undefined), 50);
    run.signal("SIGTERM");
    await sleep(20);
    expect(run.exits).toEqual([]);
    await sleep(80);
    expect(run.exits).toEqual([1]);
  });

  it("a second signal exits at once", async () => {
    const run = harness(() => new Promise(() => undefined), 10_000);
    run.signal("SIGTERM");
    run.signal("SIGINT");
    expect(run.exits).toEqual([130]);
  });
});
