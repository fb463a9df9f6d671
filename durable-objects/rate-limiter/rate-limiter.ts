import { DurableObject } from "cloudflare:workers";
import { assertValidCharge, gcra, type RateDecision, type RatePolicy } from "./gcra.ts";

const tatPrefix = "tat:";
/**
 * How far (as a share of the period) the stored TAT may lag the one in
 * memory. A write per call would cost more than the rest of the gateway
 * (an SQLite commit per call); this way a busy key writes about once per 5%
 * of its period, and a restart can forget at most that much use (30 of a
 * user's 600 requests per minute). Policies that refill slower than that,
 * like login at 10 per minute, are still written on every call.
 */
const persistTolerance = 0.05;
/** Cleanup runs this long after a stored bucket has refilled, not at once: an alarm per burst would cost more than it saves. */
const cleanupDelayMs = 60_000;

/**
 * The limiter reads no binding. Its env type is its own (not the Worker's `WorkerBindings`),
 * because bindings.ts names this class for the namespace's typed stub: one direction only.
 */
export type RateLimiterEnv = Record<string, unknown>;

/**
 * One rate-limited client (an IP, a user, an email being logged into), named
 * by `idFromName(key)`; one GCRA bucket per policy inside it. Key layout:
 * ./storage-schema.md.
 *
 * `take` reads and writes memory without an await, and a Durable Object runs
 * one call at a time, so concurrent calls cannot both spend the last unit.
 * Memory is the truth while the object lives; storage keeps a TAT lagging it
 * by at most `persistTolerance` of the period, for after a restart.
 */
export class RateLimiter extends DurableObject<RateLimiterEnv> {
  private readonly tats = new Map<string, number>();
  private readonly stored = new Map<string, number>();
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: RateLimiterEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list<number>({ prefix: tatPrefix });
      for (const [key, tat] of stored) {
        this.tats.set(key.slice(tatPrefix.length), tat);
        this.stored.set(key.slice(tatPrefix.length), tat);
      }
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  /**
   * Spends `cost` units of `policy`'s bucket, or refuses without spending.
   * `now` (ms) is for tests; callers leave it to this object's clock, so every
   * caller of one bucket measures time alike.
   */
  take(policy: RatePolicy, cost = 1, now = Date.now()): RateDecision {
    assertValidCharge(policy, cost);
    const previous = this.tats.get(policy.name);
    const { decision, tat } = gcra(previous, policy, cost, now);
    if (decision.allowed) {
      this.tats.set(policy.name, tat);
      if (tat - (this.stored.get(policy.name) ?? Number.NEGATIVE_INFINITY) > policy.periodSeconds * 1000 * persistTolerance) {
        this.stored.set(policy.name, tat);
        void this.ctx.storage.put(tatPrefix + policy.name, tat);
        this.scheduleCleanup(tat + cleanupDelayMs);
      }
    }
    return decision;
  }

  /** Forgets buckets that have refilled (a full bucket and no bucket are the same): idle keys cost no storage. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.alarmAt = null;
    const expired: string[] = [];
    let latest = 0;
    for (const [name, tat] of this.tats) {
      if (tat <= now) expired.push(name);
      else latest = Math.max(latest, tat);
    }
    for (const name of expired) {
      this.tats.delete(name);
      this.stored.delete(name);
    }
    if (this.tats.size === 0) {
      await this.ctx.storage.deleteAll();
      return;
    }
    await this.ctx.storage.delete(expired.map((name) => tatPrefix + name));
    this.scheduleCleanup(latest + cleanupDelayMs);
  }

  // One pending alarm at a time: it reschedules itself for whatever is still
  // draining, instead of a storage write to move it on every call.
  private scheduleCleanup(at: number): void {
    if (this.alarmAt !== null) return;
    this.alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
