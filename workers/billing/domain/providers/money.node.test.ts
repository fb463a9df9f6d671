import { describe, expect, it } from "vitest";
import { decimalToMinor, minorToDecimal } from "./money.ts";

describe("decimal amounts ↔ minor units", () => {
  it("converts both ways without floating-point error", () => {
    expect(decimalToMinor("4.99", 6)).toBe(4_990_000);
    expect(decimalToMinor(4.99, 6)).toBe(4_990_000);
    expect(decimalToMinor(0.3, 6)).toBe(300_000);
    expect(decimalToMinor(0.000001, 6)).toBe(1);
    expect(decimalToMinor("12", 6)).toBe(12_000_000);
    expect(minorToDecimal(4_990_000, 6)).toBe("4.99");
    expect(minorToDecimal(1, 6)).toBe("0.000001");
    expect(minorToDecimal(0, 6)).toBe("0");
    expect(minorToDecimal(12_000_000, 6)).toBe("12");
  });

  it("refuses what is not an amount of that precision", () => {
    expect(() => decimalToMinor("1.0000001", 6)).toThrow(RangeError);
    expect(() => decimalToMinor(1e-7, 6)).toThrow(RangeError);
    expect(() => decimalToMinor("-1", 6)).toThrow(RangeError);
    expect(() => decimalToMinor(-1, 6)).toThrow(RangeError);
    expect(() => decimalToMinor("1e3", 6)).toThrow(RangeError);
    expect(() => decimalToMinor(Number.NaN, 6)).toThrow(RangeError);
  });
});
