import { describe, expect, it } from "vitest";
import { backoffDelay, retry } from "./retry.ts";

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe("backoffDelay", () => {
  it("doubles per failed attempt up to the cap, with half of it random", () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    const samples = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(samples.size).toBeGreaterThan(10);
    for (const delay of samples) expect(delay).toBeGreaterThanOrEqual(200);
  });
});

describe("retry", () => {
  const fast = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

  it("stops at the first success", async () => {
    let calls = 0;
    const outcome = await retry(
      async () => {
        calls++;
        if (calls < 2) throw new TypeError("a bug is retried like any failure");
      },
      fast,
      new AbortController().signal,
      () => undefined,
    );
    expect(outcome).toEqual({ ok: true, attempts: 2 });
  });

  it("gives up after maxAttempts with the last error, waiting between attempts", async () => {
    const waits: number[] = [];
    const started = performance.now();
    const outcome = await retry(
      async (n) => {
        throw new Error(`failure ${n}`);
      },
      fast,
      new AbortController().signal,
      (_error, _n, delayMs) => waits.push(delayMs),
    );
    expect(outcome).toMatchObject({ ok: false, attempts: 3, error: new Error("failure 3") });
    expect(outcome).not.toHaveProperty("stopped");
    expect(waits).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(waits.reduce((a, b) => a + b, 0) - 2);
  });

  it("counts an earlier failure as the first attempt", async () => {
    let calls: number[] = [];
    const earlier = { error: new Error("failed in the batch") };
    expect(
      await retry(
        async (n) => void calls.push(n),
        fast,
        new AbortController().signal,
        () => undefined,
        earlier,
      ),
    ).toEqual({ ok: true, attempts: 2 });
    expect(calls).toEqual([2]);
    calls = [];
    const once = { ...fast, maxAttempts: 1 };
    expect(
      await retry(
        async (n) => void calls.push(n),
        once,
        new AbortController().signal,
        () => undefined,
        earlier,
      ),
    ).toEqual({ ok: false, attempts: 1, error: earlier.error });
    expect(calls).toEqual([]);
  });

  it("cuts a backoff wait short when stopping, without another attempt", async () => {
    const stopping = new AbortController();
    let calls = 0;
    const started = performance.now();
    const pending = retry(
      async () => {
        calls++;
        throw new Error("down");
      },
      { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      stopping.signal,
      () => undefined,
    );
    setTimeout(() => stopping.abort(), 30);
    expect(await pending).toMatchObject({ ok: false, stopped: true, attempts: 1 });
    expect(calls).toBe(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
