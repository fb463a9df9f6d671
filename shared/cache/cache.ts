/**
 * The `Cache` port: a shared key-value cache with expiry (Redis over TCP at
 * the origin, Upstash Redis over HTTP at the edge). It holds copies only:
 * correctness never depends on it, so callers treat every failure as a miss
 * (see fail-open.ts). Invalidation is by versioned keys: a writer bumps a
 * version counter and readers put the current version into their keys, so a
 * whole family of entries goes stale at once without scanning for them.
 */
export interface Cache {
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlSeconds` (≥ 1), replacing any previous value. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically adds one and returns the new value; an absent key counts from 0. */
  increment(key: string): Promise<number>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

export class CacheError extends Error {
  override readonly name = "CacheError";
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`ttlSeconds must be an integer ≥ 1, got ${ttlSeconds}`);
}
