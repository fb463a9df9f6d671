import type { RetryPolicy } from "./types.ts";

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay
 * is fixed, half random, so consumers that failed together do not retry in
 * lockstep, yet never retry at once.
 * @example backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 10_000, maxAttempts: 5 }) // 200..400
 */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

export type RetryOutcome =
  | { ok: true; attempts: number }
  | { ok: false; attempts: number; error: unknown }
  | { ok: false; stopped: true; attempts: number; error: unknown };

/** A failure that happened before `retry` took over (e.g. inside a batch transaction). */
export interface EarlierFailure {
  error: unknown;
}

/**
 * Runs `attempt` until it resolves or `maxAttempts` failed (counting an
 * `earlier` failure as the first). Once `stopping` is aborted no new retry
 * starts and a pending wait ends at once (the caller leaves the event
 * uncommitted, so it is delivered again after a restart); an attempt already
 * running is never interrupted.
 */
export async function retry(
  attempt: (number: number) => Promise<void>,
  policy: RetryPolicy,
  stopping: AbortSignal,
  onFailure: (error: unknown, number: number, delayMs: number) => void,
  earlier?: EarlierFailure,
): Promise<RetryOutcome> {
  let failed = earlier ? { number: 1, error: earlier.error } : null;
  for (let number = failed ? 2 : 1; ; number++) {
    if (failed) {
      if (failed.number >= policy.maxAttempts) return { ok: false, attempts: failed.number, error: failed.error };
      if (stopping.aborted) return { ok: false, stopped: true, attempts: failed.number, error: failed.error };
      const delayMs = backoffDelay(failed.number, policy);
      onFailure(failed.error, failed.number, delayMs);
      if (!(await wait(delayMs, stopping))) return { ok: false, stopped: true, attempts: failed.number, error: failed.error };
    }
    try {
      await attempt(number);
      return { ok: true, attempts: number };
    } catch (error) {
      failed = { number, error };
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
