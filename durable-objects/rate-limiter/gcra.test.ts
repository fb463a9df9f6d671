import { describe, expect, it } from "vitest";
import { gcra, type RatePolicy } from "./gcra.ts";

const policy: RatePolicy = { name: "api", limit: 3, periodSeconds: 60 };

function run(times: number[], cost = 1) {
  let tat: number | undefined;
  return times.map((now) => {
    const result = gcra(tat, policy, cost, now);
    tat = result.tat;
    return result.decision;
  });
}

describe("GCRA", () => {
  it("lets a full burst through, then refuses with the wait until one unit has refilled", () => {
    const [first, second, third, fourth] = run([0, 0, 0, 0]);
    expect([first?.remaining, second?.remaining, third?.remaining]).toEqual([2, 1, 0]);
    expect(third).toMatchObject({ allowed: true, resetSeconds: 60 });
    expect(fourth).toEqual({ allowed: false, limit: 3, remaining: 0, resetSeconds: 60, retryAfterSeconds: 20 });
  });

  it("refills one unit per period/limit", () => {
    const decisions = run([0, 0, 0, 19_999, 20_000, 20_001]);
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, true, false]);
    expect(decisions[3]?.retryAfterSeconds).toBe(1);
  });

  it("does not charge refused calls", () => {
    const decisions = run([0, 0, 0, 1_000, 2_000, 3_000, 20_000]);
    expect(decisions.at(-1)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("charges a cost of several units and refuses one larger than what is left", () => {
    const decisions = run([0, 0], 2);
    expect(decisions[0]).toMatchObject({ allowed: true, remaining: 1 });
    expect(decisions[1]).toMatchObject({ allowed: false, remaining: 1, retryAfterSeconds: 20 });
  });

  it("forgets a bucket that has fully refilled", () => {
    const decisions = run([0, 0, 0, 60_000]);
    expect(decisions[3]).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 20 });
  });

  it("keeps whole units when period/limit is not an integer", () => {
    let tat: number | undefined;
    const seven: RatePolicy = { name: "odd", limit: 7, periodSeconds: 60 };
    const allowed = Array.from({ length: 10 }, () => {
      const result = gcra(tat, seven, 1, 0);
      tat = result.tat;
      return result.decision.allowed;
    });
    expect(allowed.filter(Boolean)).toHaveLength(7);
  });

  it("counts exactly at epoch-scale clocks, where ms floats have few fraction bits", () => {
    const now = 1_764_200_000_123;
    const dense: RatePolicy = { name: "dense", limit: 1000, periodSeconds: 1 };
    const first = gcra(undefined, dense, 1, now);
    expect(first.decision.remaining).toBe(999);
    expect(gcra(first.tat, dense, 1, now).decision.remaining).toBe(998);
  });
});
