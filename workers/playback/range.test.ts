import { describe, expect, it } from "vitest";
import { noneMatch, parseRange, rangeStillValid } from "./range.ts";

describe("parseRange", () => {
  it.each([
    [undefined, { kind: "full" }],
    ["bytes=0-99", { kind: "partial", start: 0, end: 99 }],
    ["bytes=900-", { kind: "partial", start: 900, end: 999 }],
    ["bytes=-100", { kind: "partial", start: 900, end: 999 }],
    ["bytes=-5000", { kind: "partial", start: 0, end: 999 }],
    ["bytes=10-5000", { kind: "partial", start: 10, end: 999 }],
    ["BYTES = 1 - 2", { kind: "partial", start: 1, end: 2 }],
    ["bytes=1000-", { kind: "unsatisfiable" }],
    ["bytes=1000-1001", { kind: "unsatisfiable" }],
    ["bytes=-0", { kind: "unsatisfiable" }],
    ["bytes=5-1", { kind: "full" }],
    ["bytes=0-1,3-4", { kind: "full" }],
    ["items=0-1", { kind: "full" }],
    ["bytes=-", { kind: "full" }],
  ])("%s of 1000 bytes", (header, expected) => {
    expect(parseRange(header, 1000)).toEqual(expected);
  });

  it("ignores a hostile header quickly (a long run of spaces backtracked quadratically)", () => {
    const started = performance.now();
    expect(parseRange(`bytes=1-${" ".repeat(50_000)}x`, 1000)).toEqual({ kind: "full" });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("finds nothing satisfiable in an empty object", () => {
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-1", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("conditional headers", () => {
  it("If-None-Match compares weakly and takes lists and *", () => {
    expect(noneMatch('"a"', '"a"')).toBe(true);
    expect(noneMatch('W/"a"', '"a"')).toBe(true);
    expect(noneMatch('"b", "a"', '"a"')).toBe(true);
    expect(noneMatch("*", '"a"')).toBe(true);
    expect(noneMatch('"b"', '"a"')).toBe(false);
    expect(noneMatch(undefined, '"a"')).toBe(false);
  });

  it("If-Range keeps the range only for the same strong ETag", () => {
    expect(rangeStillValid(undefined, '"a"')).toBe(true);
    expect(rangeStillValid('"a"', '"a"')).toBe(true);
    expect(rangeStillValid('W/"a"', '"a"')).toBe(false);
    expect(rangeStillValid('"b"', '"a"')).toBe(false);
  });
});
