/**
 * W3C Trace Context `traceparent` (version 00): the trace id travels from the
 * edge request through the outbox row and the broker to every consumer, so one
 * id finds a request's whole path in the logs. Web Crypto only: runs in workerd.
 */
export const traceparentPattern = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

export interface TraceContext {
  traceId: string;
  parentId: string;
  sampled: boolean;
}

/** @example parseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")?.traceId */
export function parseTraceparent(header: string | null | undefined): TraceContext | null {
  if (!header) return null;
  const value = header.trim().toLowerCase();
  if (!traceparentPattern.test(value)) return null;
  const [, traceId = "", parentId = "", flags = "00"] = value.split("-");
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/** A new root trace (no incoming request carried one). */
export function newTraceparent(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

/** Same trace, a new span: what an event written while handling `parent` carries. */
export function childTraceparent(parent: string | null | undefined): string {
  const context = parseTraceparent(parent);
  if (!context) return newTraceparent();
  return `00-${context.traceId}-${randomHex(8)}-${context.sampled ? "01" : "00"}`;
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  // All-zero ids are invalid; the chance is 2^-64, but the fix is one line.
  if (buffer.every((byte) => byte === 0)) buffer[0] = 1;
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
