/**
 * Track order by fractional indexing (rocicorp's `fractional-indexing`):
 * positions are strings that sort byte-wise, and a key can always be made
 * between two neighbours, so inserting or moving one entry writes only that
 * entry. The column is `collate "C"` so PostgreSQL sorts like these keys do.
 */
import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";

/** `count` ascending keys strictly between `lower` and `upper` (null = open end). */
export function keysBetween(lower: string | null, upper: string | null, count: number): string[] {
  return generateNKeysBetween(lower, upper, count);
}

/** One key strictly between `lower` and `upper` (null = open end). */
export function keyBetween(lower: string | null, upper: string | null): string {
  return generateKeyBetween(lower, upper);
}

/** Byte-wise comparison, as `collate "C"` compares. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
