/**
 * Offline evaluation: hold out each listener's last plays, ask a recommender
 * for a top-N list from the rest, and measure Recall@N, NDCG@N, catalogue
 * coverage and novelty. Test items are tracks the listener completed in the
 * held-out plays and never touched in training: re-listening is not what a
 * recommender is for, and every recommender here excludes known tracks.
 */
import type { Aggregated } from "./log.ts";
import type { SyntheticWorld } from "./synthetic.ts";

export interface HoldOut {
  /** Plays before this index (per listener) are training, the rest test. */
  isTraining: Uint8Array;
  /** test items per listener (empty when none qualify). */
  test: Int32Array[];
}

export function holdOutLastPlays(world: SyntheticWorld, lastPlays: number): HoldOut {
  const { plays } = world;
  const isTraining = new Uint8Array(plays.length);
  const users = plays.offsets.length - 1;
  const raw: number[][] = [];
  for (let u = 0; u < users; u++) {
    const from = plays.offsets[u] ?? 0;
    const to = plays.offsets[u + 1] ?? 0;
    const cut = Math.max(from + 1, to - lastPlays);
    const seen = new Set<number>();
    for (let p = from; p < cut; p++) {
      isTraining[p] = 1;
      seen.add(plays.track[p] ?? 0);
    }
    const test = new Set<number>();
    for (let p = cut; p < to; p++) if (plays.completed[p] && !seen.has(plays.track[p] ?? 0)) test.add(plays.track[p] ?? 0);
    raw.push([...test].sort((a, b) => a - b));
  }
  return { isTraining, test: raw.map((t) => Int32Array.from(t)) };
}

export interface Metrics {
  recall: number;
  ndcg: number;
  coverage: number;
  novelty: number;
  users: number;
}

/**
 * `recommendFor(u)` returns listener u's ranked list. Coverage is the share of
 * eligible tracks that appear in anyone's list; novelty the mean self-information
 * −log2(listeners(i)/listeners) of recommended tracks (higher = less obvious).
 */
export function evaluate(
  holdOut: HoldOut,
  agg: Aggregated,
  eligibleCount: number,
  n: number,
  users: Int32Array,
  recommendFor: (u: number) => ArrayLike<number>,
): Metrics {
  const nUsers = agg.byUser.rows;
  const listeners = new Float64Array(agg.byItem.rows);
  for (let i = 0; i < agg.byItem.rows; i++) listeners[i] = (agg.byItem.offsets[i + 1] ?? 0) - (agg.byItem.offsets[i] ?? 0);
  const covered = new Uint8Array(agg.byItem.rows);
  let recall = 0;
  let ndcg = 0;
  let novelty = 0;
  let recommended = 0;
  for (const u of users) {
    const test = holdOut.test[u];
    if (!test || test.length === 0) continue;
    const list = recommendFor(u);
    const truth = new Set(test);
    let hits = 0;
    let dcg = 0;
    for (let r = 0; r < Math.min(n, list.length); r++) {
      const item = list[r] ?? 0;
      covered[item] = 1;
      novelty += -Math.log2(Math.max(listeners[item] ?? 0, 1) / nUsers);
      recommended++;
      if (truth.has(item)) {
        hits++;
        dcg += 1 / Math.log2(r + 2);
      }
    }
    let idcg = 0;
    for (let r = 0; r < Math.min(n, test.length); r++) idcg += 1 / Math.log2(r + 2);
    recall += hits / Math.min(n, test.length);
    ndcg += dcg / idcg;
  }
  let coveredCount = 0;
  for (const c of covered) coveredCount += c;
  return {
    recall: recall / users.length,
    ndcg: ndcg / users.length,
    coverage: coveredCount / eligibleCount,
    novelty: novelty / Math.max(recommended, 1),
    users: users.length,
  };
}

/** Listeners with at least one test item, at most `limit` of them, spread evenly (deterministic). */
export function evaluationUsers(holdOut: HoldOut, limit: number): Int32Array {
  const all: number[] = [];
  holdOut.test.forEach((t, u) => {
    if (t.length > 0) all.push(u);
  });
  if (all.length <= limit) return Int32Array.from(all);
  const stride = all.length / limit;
  return Int32Array.from({ length: limit }, (_, n) => all[Math.floor(n * stride)] ?? 0);
}
