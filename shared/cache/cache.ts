/**
 * The `Cache` port: a shared key-value cache with expiry (Redis over TCP at
 * the origin, Upstash Redis over HTTP at the edge). It holds copies only:
 * correctness never depends on it, so callers treat every failure as a miss
 * (see fail-open.ts). Invalidation is by versioned keys: a writer bumps a
 * version counter and readers put the current version into their keys, so a
 * whole family of entries goes stale at once without scanning for them; or
 * by tags (tags.ts): an entry records the tags it depends on and a writer
 * drops exactly the entries of the tags it changed.
 */
export interface Cache {
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlSeconds` (≥ 1), replacing any previous value. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically adds one and returns the new value; an absent key counts from 0. */
  increment(key: string): Promise<number>;
  /**
   * Stores `value` for `ttlSeconds` and records `key` under each tag (a sorted
   * set per tag, scored by expiry, so expired names are pruned). A tag already
   * holding `maxKeysPerTag` live keys takes no more: the value is then stored
   * for `overflowTtlSeconds` only, since that tag could not drop it. Refused
   * (returns 0, nothing stored) when a tag was invalidated within its fence:
   * the value may have been computed before that change.
   * Returns the ttl the value was stored for.
   */
  setTagged(key: string, value: string, ttlSeconds: number, options: TaggedWrite): Promise<number>;
  /**
   * Deletes every key recorded under the tags, then the tags' sets, and
   * fences each tag for `fenceSeconds` (setTagged refuses it meanwhile).
   * Returns how many key names the sets held (some may have expired already).
   */
  invalidateTags(tags: readonly string[], fenceSeconds: number): Promise<number>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

export interface TaggedWrite {
  tags: readonly string[];
  maxKeysPerTag: number;
  overflowTtlSeconds: number;
  /** The writer's clock in ms (default Date.now()): expiries in the tag sets are by it. */
  now?: number;
}

export class CacheError extends Error {
  override readonly name = "CacheError";
}

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new RangeError(`ttlSeconds must be an integer ≥ 1, got ${ttlSeconds}`);
}
