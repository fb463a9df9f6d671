/**
 * GCRA (generic cell rate algorithm): a token bucket kept as one number, the
 * theoretical arrival time (TAT) of the next request once the bucket is empty.
 * A bucket with `limit` per `periodSeconds` lets `limit` requests through at
 * once and then refills one unit every `periodSeconds / limit`.
 */

export interface RatePolicy {
  /** Names the bucket and appears in the RateLimit headers, e.g. "login-ip". */
  name: string;
  limit: number;
  periodSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Units still available right after this decision. */
  remaining: number;
  /** Seconds until the bucket is full again (the draft's `t`). */
  resetSeconds: number;
  /** Seconds to wait before this call would be allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

// Float division (period / limit) leaves 2.9999999 where 3 was meant.
const epsilon = 1e-6;

/**
 * Decides one call of `cost` units at `now` (ms) against a bucket whose last
 * TAT is `tat` (ms, undefined for a fresh bucket). Returns the decision and
 * the TAT to keep (unchanged when refused: refused calls cost nothing).
 *
 * @example gcra(undefined, { name: "api", limit: 2, periodSeconds: 60 }, 1, 0).decision.remaining // 1
 */
export function gcra(tat: number | undefined, policy: RatePolicy, cost: number, now: number): { decision: RateDecision; tat: number } {
  const periodMs = policy.periodSeconds * 1000;
  const intervalMs = periodMs / policy.limit;
  // Work in "debt" (ms of refill still owed) relative to now: differences of
  // two epoch-ms floats would lose the fractions of a small interval.
  const debt = Math.max(0, (tat ?? now) - now);
  const nextDebt = debt + cost * intervalMs;
  const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000 - epsilon));
  const remainingAfter = (owed: number) => Math.max(0, Math.min(policy.limit, Math.floor((periodMs - owed) / intervalMs + epsilon)));

  if (nextDebt > periodMs + epsilon) {
    return {
      tat: now + debt,
      decision: {
        allowed: false,
        limit: policy.limit,
        remaining: remainingAfter(debt),
        resetSeconds: seconds(debt),
        // At least one second: Retry-After has whole seconds and 0 would invite a hot loop.
        retryAfterSeconds: Math.max(1, seconds(nextDebt - periodMs)),
      },
    };
  }
  return {
    tat: now + nextDebt,
    decision: {
      allowed: true,
      limit: policy.limit,
      remaining: remainingAfter(nextDebt),
      resetSeconds: seconds(nextDebt),
      retryAfterSeconds: 0,
    },
  };
}

/** Throws on a policy or cost no bucket can honour (a caller's bug, not a client's). */
export function assertValidCharge(policy: RatePolicy, cost: number): void {
  const valid =
    /^[a-z0-9-]{1,40}$/.test(policy.name) &&
    Number.isInteger(policy.limit) &&
    policy.limit >= 1 &&
    Number.isFinite(policy.periodSeconds) &&
    policy.periodSeconds > 0 &&
    Number.isInteger(cost) &&
    cost >= 1;
  if (!valid) throw new RangeError(`invalid rate-limit charge: ${JSON.stringify({ ...policy, cost })}`);
}
