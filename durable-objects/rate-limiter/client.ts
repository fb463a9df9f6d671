/**
 * The port the gateway's rate-limit middleware talks to, with its two
 * adapters: the RateLimiter Durable Object (Workers) and an in-process map
 * (Deno, Node, app-level tests). Both run the same GCRA (./gcra.ts).
 */
import { assertValidCharge, gcra, type RateDecision, type RatePolicy } from "./gcra.ts";
import type { RateLimiter } from "./rate-limiter.ts";

export type { RateDecision, RatePolicy } from "./gcra.ts";

export interface RateLimiterPort {
  /** Spends `cost` units of `policy` for the client named `key`, e.g. "ip:203.0.113.7". */
  take(key: string, policy: RatePolicy, cost?: number): Promise<RateDecision>;
}

/** One Durable Object per client key: limits hold across every isolate and location. */
export function durableRateLimiter(namespace: DurableObjectNamespace<RateLimiter>): RateLimiterPort {
  return {
    async take(key, policy, cost = 1) {
      // Checked here too, so a caller's bug fails in the caller, not as a remote exception.
      assertValidCharge(policy, cost);
      const stub = namespace.get(namespace.idFromName(key));
      return stub.take(policy, cost);
    },
  };
}

/**
 * Limits within one process only: right for a single Deno/Node server and for
 * tests, wrong for many isolates. Full buckets are dropped as the map grows.
 */
export function memoryRateLimiter(options: { now?: () => number; maxEntries?: number } = {}): RateLimiterPort {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const tats = new Map<string, number>();
  return {
    async take(key, policy, cost = 1) {
      assertValidCharge(policy, cost);
      const at = now();
      const bucket = `${key}\u0000${policy.name}`;
      const { decision, tat } = gcra(tats.get(bucket), policy, cost, at);
      if (decision.allowed) tats.set(bucket, tat);
      if (tats.size > maxEntries) {
        for (const [name, until] of tats) if (until <= at) tats.delete(name);
      }
      return decision;
    },
  };
}
