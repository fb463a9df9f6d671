import { describe, expect, it } from "vitest";
import { murmur2, partitionFor, toPositive } from "./partitioner.ts";

// Computed with Kafka 4.4's own org.apache.kafka.common.utils.Utils.murmur2 on
// the UTF-8 bytes (the first six are also the vectors in Kafka's UtilsTest).
const vectors: Array<[key: string, hash: number, of12: number, of3: number]> = [
  ["21", -973932308, 0, 0],
  ["foobar", -790332482, 6, 0],
  ["a-little-bit-long-string", -985981536, 8, 2],
  ["a-little-bit-longer-string", -1486304829, 11, 2],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971, 5, 2],
  ["abc", 479470107, 3, 0],
  ["", 275646681, 9, 0],
  ["track-42", 719848808, 8, 2],
  ["user-7", 696778364, 8, 2],
  ["трек-ünïcødé-🎵", -822308924, 0, 0],
];

describe("partitionFor (Kafka's default partitioner)", () => {
  it.each(vectors)("murmur2(%j) matches Kafka", (key, hash, of12, of3) => {
    expect(murmur2(new TextEncoder().encode(key))).toBe(hash);
    expect(partitionFor(key, 12)).toBe(of12);
    expect(partitionFor(key, 3)).toBe(of3);
  });

  it("clears the sign bit rather than taking the absolute value", () => {
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-1)).toBe(2147483647);
    expect(toPositive(5)).toBe(5);
  });

  it("puts everything in partition 0 of a one-partition topic and rejects bad counts", () => {
    expect(partitionFor("anything", 1)).toBe(0);
    expect(() => partitionFor("k", 0)).toThrow(RangeError);
    expect(() => partitionFor("k", 1.5)).toThrow(RangeError);
  });
});
