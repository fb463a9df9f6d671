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

export type RetryOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: unknown } | { ok: false; stopped: true; attempts: number; error: unknown };

/**
 * Runs `attempt` until it resolves or `maxAttempts` failed. Once `stopping`
 * is aborted no new retry starts and a pending wait ends at once (the caller
 * leaves the event uncommitted, so it is delivered again after a restart);
 * an attempt already running is never interrupted.
 */
export async function retry(
  attempt: (number: number) => Promise<void>,
  policy: RetryPolicy,
  stopping: AbortSignal,
  onFailure: (error: unknown, number: number, delayMs: number) => void,
): Promise<RetryOutcome> {
  for (let number = 1; ; number++) {
    try {
      await attempt(number);
      return { ok: true, attempts: number };
    } catch (error) {
      if (number >= policy.maxAttempts) return { ok: false, attempts: number, error };
      if (stopping.aborted) return { ok: false, stopped: true, attempts: number, error };
      const delayMs = backoffDelay(number, policy);
      onFailure(error, number, delayMs);
      if (!(await wait(delayMs, stopping))) return { ok: false, stopped: true, attempts: number, error };
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
