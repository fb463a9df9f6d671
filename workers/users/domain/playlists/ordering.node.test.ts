import { describe, expect, it } from "vitest";
import { compareKeys, keyBetween, keysBetween } from "./ordering.ts";
import { renumberAbove } from "./tracks.ts";

describe("playlist ordering keys", () => {
  it("appends 10,000 keys in byte order, each short", () => {
    const keys = keysBetween(null, null, 10_000);
    expect([...keys].sort(compareKeys)).toEqual(keys);
    expect(new Set(keys).size).toBe(10_000);
    expect(Math.max(...keys.map((key) => key.length))).toBeLessThanOrEqual(4);
  });

  it("always finds a key strictly between neighbours, even after many inserts at the same spot", () => {
    let lower = "a0";
    const upper = "a1";
    for (let i = 0; i < 1_000; i++) {
      const key = keyBetween(lower, upper);
      expect(compareKeys(lower, key)).toBe(-1);
      expect(compareKeys(key, upper)).toBe(-1);
      lower = key;
    }
    // About one character per five inserts into the same gap: why tracks.ts renumbers past 200.
    expect(lower.length).toBeGreaterThan(renumberAbove);
    expect(lower.length).toBeLessThan(1024);
  });

  it("makes room before the first and after the last key", () => {
    const [first, last] = keysBetween(null, null, 2);
    if (!first || !last) throw new Error("no keys");
    expect(compareKeys(keyBetween(null, first), first)).toBe(-1);
    expect(compareKeys(last, keyBetween(last, null))).toBe(-1);
  });

  it("makes n ordered keys between two neighbours", () => {
    const keys = keysBetween("a0", "a1", 100);
    expect(keys).toHaveLength(100);
    expect(["a0", ...keys, "a1"].every((key, index, all) => index === 0 || compareKeys(all[index - 1] ?? "", key) === -1)).toBe(true);
  });
});
