/**
 * HTTP Range (RFC 9110 §14) for one object: a single byte range, open-ended or
 * a suffix. Syntax we do not serve (several ranges, other units, a malformed
 * header) is ignored and the whole object is sent, as §14.2 allows.
 */

export type ByteRange = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

const maxRangeHeaderChars = 200;

export function parseRange(header: string | null | undefined, size: number): ByteRange {
  if (!header) return { kind: "full" };
  // `\s*(\d*)\s*$` is quadratic on a run of spaces; a real single range is short, so the length
  // cap bounds the work at a few thousand steps.
  if (header.length > maxRangeHeaderChars) return { kind: "full" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "full" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (last !== "" && end < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", start, end: Math.min(end, size - 1) };
}

/** `If-None-Match` per RFC 9110 §13.1.2: weak comparison, `*` matches any current object. */
export function noneMatch(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}

/** `If-Range` per §13.1.5: the range applies only while the strong validator still matches. */
export function rangeStillValid(ifRange: string | null | undefined, etag: string): boolean {
  if (!ifRange) return true;
  const tag = ifRange.trim();
  return !tag.startsWith("W/") && tag === etag;
}
