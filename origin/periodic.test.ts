import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../shared/logger.ts";
import { startPeriodic } from "./periodic.ts";
import { tableWriteHints } from "./platform/table-write-hints.ts";

const log = createLogger({ test: "periodic" }, "error");
const until = async (condition: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe("startPeriodic", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("without hints runs every interval", async () => {
    let passes = 0;
    const loop = startPeriodic(20, log, "failed", async () => {
      passes++;
    });
    cleanups.push(() => loop.stop());
    await until(() => passes >= 4);
  });

  it("with hints sleeps past its interval until one of its tables is written or its work falls due", async () => {
    cleanups.push(tableWriteHints.started());
    let passes = 0;
    let dueInMs: number | null = null;
    const loop = startPeriodic(
      20,
      log,
      "failed",
      async () => {
        passes++;
      },
      { wakeOn: ["test.a", "test.b"], msUntilDue: async () => dueInMs },
    );
    cleanups.push(() => loop.stop());
    await until(() => passes === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(passes).toBe(1);

    tableWriteHints.emit(["test.b"]);
    await until(() => passes === 2);
    tableWriteHints.emit(["test.unrelated"]);
    // Due in 150 ms: the pass after the next write comes then, without a write.
    dueInMs = 150;
    tableWriteHints.emit(["test.a"]);
    await until(() => passes === 3);
    const started = Date.now();
    await until(() => passes === 4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it("after a failed pass, and for overdue work, waits the interval and no less", async () => {
    cleanups.push(tableWriteHints.started());
    const at: number[] = [];
    const loop = startPeriodic(
      50,
      log,
      "failed",
      async () => {
        at.push(Date.now());
        if (at.length === 1) throw new Error("first pass fails");
      },
      { wakeOn: ["test.c"], msUntilDue: async () => -1_000 },
    );
    cleanups.push(() => loop.stop());
    await until(() => at.length >= 4);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(45);
  });
});
