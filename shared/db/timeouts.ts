/**
 * A database that is too slow (a statement or transaction timed out, no
 * connection in time) is a temporary outage: callers answer 503 with
 * Retry-After instead of 500 or a hung request.
 */

/** The edge's client-side limit of one query (the origin's limits are in origin/runtime.ts). */
export const databaseTimeouts = { edgeQueryTimeoutMs: 8_000 } as const;

// 57014 query_canceled (statement_timeout), 25P03 idle_in_transaction_session_timeout, 55P03 lock_not_available (lock_timeout).
const timeoutCodes = new Set(["57014", "25P03", "55P03"]);
const timeoutMessages = ["Query read timeout", "timeout exceeded when trying to connect", "Connection terminated due to connection timeout", "timeout expired"];

export function isDatabaseTimeout(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && timeoutCodes.has(code)) return true;
    if (timeoutMessages.some((message) => current instanceof Error && current.message.includes(message))) return true;
  }
  return false;
}
