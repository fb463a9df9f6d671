/**
 * The columnar interaction log the models train on, and its aggregation into a
 * listener × track matrix. Users and tracks are dense indices (0..n-1); the
 * trainer maps uuids to indices in sorted-uuid order, so the in-memory
 * evaluation and the database path see the same indices and train identically.
 */
import { csrFromTriples, type Csr } from "./sparse.ts";

export interface InteractionLog {
  length: number;
  user: Int32Array;
  item: Int32Array;
  /** The signal weight (shared/recs/signals.ts), float32 like recs.interactions.weight. */
  weight: Float32Array;
  /** occurred_at in epoch milliseconds. */
  time: Float64Array;
}

export interface AggregateOptions {
  /** Time decay: a signal this old counts half (default 90 days). */
  halfLifeDays: number;
  /** Decay reference time in epoch ms; default the newest interaction, so a retrain of the same log is reproducible. */
  now?: number;
  /** Keep at most this many strongest tracks per listener: bounds the O(Σ row²) co-occurrence cost of heavy listeners. */
  maxItemsPerUser: number;
}

export interface Aggregated {
  /** Positive decayed preference, listener rows. */
  byUser: Csr;
  /** The same matrix, track rows. */
  byItem: Csr;
  /** Tracks each listener should not be offered again soon: anything with a net negative signal (skips, dislikes). */
  negative: Csr;
  now: number;
}

export const DEFAULT_AGGREGATE: AggregateOptions = { halfLifeDays: 90, maxItemsPerUser: 500 };

/** Newest occurred_at of a log (0 when empty). */
export function newestTime(log: InteractionLog): number {
  let max = 0;
  for (let r = 0; r < log.length; r++) max = Math.max(max, log.time[r] ?? 0);
  return max;
}

/**
 * Σ weight · 2^(−age/halfLife) per (listener, track). Rows are summed in a
 * canonical order (listener, track, time, weight) so the floating-point result
 * does not depend on the order the log was read in.
 */
export function aggregate(log: InteractionLog, nUsers: number, nItems: number, options: AggregateOptions = DEFAULT_AGGREGATE): Aggregated {
  const now = options.now ?? newestTime(log);
  const lambda = Math.LN2 / (options.halfLifeDays * 86_400_000);
  const order = new Uint32Array(log.length);
  for (let r = 0; r < log.length; r++) order[r] = r;
  const { user, item, time, weight } = log;
  order.sort(
    (a, b) => (user[a] ?? 0) - (user[b] ?? 0) || (item[a] ?? 0) - (item[b] ?? 0) || (time[a] ?? 0) - (time[b] ?? 0) || (weight[a] ?? 0) - (weight[b] ?? 0),
  );

  const posU: number[] = [];
  const posI: number[] = [];
  const posV: number[] = [];
  const negU: number[] = [];
  const negI: number[] = [];
  const flush = (u: number, i: number, v: number): void => {
    if (v > 0) {
      posU.push(u);
      posI.push(i);
      posV.push(v);
    } else if (v < 0) {
      negU.push(u);
      negI.push(i);
    }
  };
  let cu = -1;
  let ci = -1;
  let sum = 0;
  for (let k = 0; k < order.length; k++) {
    const r = order[k] ?? 0;
    const u = user[r] ?? 0;
    const i = item[r] ?? 0;
    if (u !== cu || i !== ci) {
      if (cu >= 0) flush(cu, ci, sum);
      cu = u;
      ci = i;
      sum = 0;
    }
    sum += (weight[r] ?? 0) * Math.exp(-lambda * Math.max(0, now - (time[r] ?? 0)));
  }
  if (cu >= 0) flush(cu, ci, sum);

  const capped = capRows(posU, posI, posV, options.maxItemsPerUser);
  const byUser = csrFromTriples(nUsers, nItems, capped.u, capped.i, capped.v);
  const byItem = csrFromTriples(nItems, nUsers, capped.i, capped.u, capped.v);
  const negative = csrFromTriples(nUsers, nItems, Int32Array.from(negU), Int32Array.from(negI), new Float32Array(negU.length).fill(1));
  return { byUser, byItem, negative, now };
}

/** Triples are grouped by listener (sorted); keep each listener's `cap` largest values. */
function capRows(u: number[], i: number[], v: number[], cap: number): { u: Int32Array; i: Int32Array; v: Float32Array } {
  const keep: number[] = [];
  let start = 0;
  while (start < u.length) {
    let end = start;
    while (end < u.length && u[end] === u[start]) end++;
    if (end - start <= cap) for (let k = start; k < end; k++) keep.push(k);
    else {
      const idx = Array.from({ length: end - start }, (_, k) => start + k);
      idx.sort((a, b) => (v[b] ?? 0) - (v[a] ?? 0) || a - b);
      const chosen = idx.slice(0, cap).sort((a, b) => a - b);
      keep.push(...chosen);
    }
    start = end;
  }
  const out = { u: new Int32Array(keep.length), i: new Int32Array(keep.length), v: new Float32Array(keep.length) };
  keep.forEach((k, n) => {
    out.u[n] = u[k] ?? 0;
    out.i[n] = i[k] ?? 0;
    out.v[n] = v[k] ?? 0;
  });
  return out;
}
