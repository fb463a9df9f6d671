import { afterEach, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../shared/db/postgres.ts";
import { createLogger } from "../shared/logger.ts";
import { type PeriodicHints, startPeriodic } from "./periodic.ts";
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
  // A handle on a database this process serves (never connected to: the work here does not query).
  const embedded = (port: number) => {
    const db = createPostgresDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`);
    cleanups.push(() => db.destroy());
    cleanups.push(tableWriteHints.started(), tableWriteHints.serving(port));
    return db;
  };
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("without hints runs every interval", async () => {
    const counter = countingLoop();
    await until(() => counter.passes >= 4);
  });

  /** A loop of 20 ms passes that only counts them. */
  const countingLoop = (hints?: PeriodicHints) => {
    const counter = { passes: 0 };
    const loop = startPeriodic(
      20,
      log,
      "failed",
      async () => {
        counter.passes++;
      },
      hints,
    );
    cleanups.push(() => loop.stop());
    return counter;
  };

  it("with hints sleeps past its interval until one of its tables is written or its work falls due", async () => {
    const db = embedded(59_901);
    let dueInMs: number | null = null;
    const counter = countingLoop({ db, wakeOn: ["test.a", "test.b"], msUntilDue: async () => dueInMs });
    await until(() => counter.passes === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(counter.passes).toBe(1);

    tableWriteHints.emit(["test.b"]);
    await until(() => counter.passes === 2);
    tableWriteHints.emit(["test.unrelated"]);
    // Due in 150 ms: the pass after the next write comes then, without a write.
    dueInMs = 150;
    tableWriteHints.emit(["test.a"]);
    await until(() => counter.passes === 3);
    const started = Date.now();
    await until(() => counter.passes === 4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it("after a failed pass, and for overdue work, waits the interval and no less", async () => {
    const db = embedded(59_902);
    const at: number[] = [];
    const loop = startPeriodic(
      50,
      log,
      "failed",
      async () => {
        at.push(Date.now());
        if (at.length === 1) throw new Error("first pass fails");
      },
      { db, wakeOn: ["test.c"], msUntilDue: async () => -1_000 },
    );
    cleanups.push(() => loop.stop());
    await until(() => at.length >= 4);
    for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(45);
  });

  it("keeps its interval on a database no hints cover, even while another embedded database hints", async () => {
    embedded(59_903);
    const external = createPostgresDatabase("postgres://postgres@127.0.0.1:5432/elsewhere");
    cleanups.push(() => external.destroy());
    const counter = countingLoop({ db: external, wakeOn: ["test.d"], msUntilDue: async () => null });
    await until(() => counter.passes >= 4);
  });
});
