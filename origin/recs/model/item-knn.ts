/**
 * Item-item collaborative filtering on the aggregated implicit feedback: two
 * scorings of the same sparse co-occurrence pass, each keeping the top-K.
 *
 *  - `cosine`: Σ_u c_u·r_ui·r_uj / (‖i‖^(2(1−α)) · ‖j‖^(2α) + shrink), with
 *    r = log(1 + decayed preference) (repeat plays saturate), c_u = 1/log2(2 + |u|)
 *    (a listener who plays everything says less about each pair, as in BM25's
 *    length normalisation), and α > ½ damping popular neighbours (asymmetric cosine).
 *  - `rp3beta`: a two-step random walk track → listener → track,
 *    Σ_u P(u|i)·P(j|u), divided by pop(j)^β (Paudel et al. 2016): popularity
 *    damping is the β exponent.
 *
 * Cost is Σ_u |row_u|² per pass (rows are capped at aggregation), memory two
 * dense float64 accumulators the size of the catalogue.
 */
import type { Aggregated } from "./log.ts";
import { emptyNeighbours, selectTopK, type Csr, type Neighbours } from "./sparse.ts";

export type ItemModel = "cosine" | "rp3beta";

export interface ItemKnnOptions {
  model: ItemModel;
  k: number;
  /** Cosine: popularity damping exponent on the neighbour's norm (0.5 = plain cosine). */
  alpha: number;
  /** Cosine: shrink term against pairs seen by very few listeners. */
  shrink: number;
  /** RP3beta: popularity damping exponent. */
  beta: number;
  /** Only these tracks may appear, or have a list (published, not taken down); all when absent. */
  eligible?: Uint8Array;
  /** Compute only these rows (1 = compute), the others stay empty: the incremental refresh between trainings. */
  only?: Uint8Array;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_ITEM_KNN: ItemKnnOptions = { model: "rp3beta", k: 50, alpha: 0.5, shrink: 10, beta: 0.6 };

export function itemNeighbours(agg: Aggregated, options: ItemKnnOptions): Neighbours {
  return cooccurrenceNeighbours(agg.byUser, agg.byItem, options);
}

/** The same pass over any (listener × thing) matrix: tracks, or artists for artist-artist similarity. */
export function cooccurrenceNeighbours(byUser: Csr, byItem: Csr, options: ItemKnnOptions): Neighbours {
  const nItems = byItem.rows;
  const rUser = transformed(byUser);
  const rItem = transformed(byItem);
  const userWeight = new Float64Array(byUser.rows);
  const userSum = new Float64Array(byUser.rows);
  for (let u = 0; u < byUser.rows; u++) {
    const from = byUser.offsets[u] ?? 0;
    const to = byUser.offsets[u + 1] ?? 0;
    userWeight[u] = 1 / Math.log2(2 + (to - from));
    for (let p = from; p < to; p++) userSum[u] = (userSum[u] ?? 0) + (rUser[p] ?? 0);
  }
  const itemNorm2 = new Float64Array(nItems);
  const itemSum = new Float64Array(nItems);
  for (let i = 0; i < nItems; i++) {
    for (let p = byItem.offsets[i] ?? 0; p < (byItem.offsets[i + 1] ?? 0); p++) {
      const r = rItem[p] ?? 0;
      itemNorm2[i] = (itemNorm2[i] ?? 0) + (userWeight[byItem.index[p] ?? 0] ?? 0) * r * r;
      itemSum[i] = (itemSum[i] ?? 0) + r;
    }
  }
  const out = emptyNeighbours(nItems, options.k);
  const acc = new Float64Array(nItems);
  const seen = new Uint8Array(nItems);
  const touched = new Int32Array(nItems);
  const { eligible, only } = options;
  const cosine = options.model === "cosine";
  // Per-neighbour denominators, computed once.
  const post = new Float64Array(nItems);
  for (let j = 0; j < nItems; j++) {
    post[j] = cosine ? (itemNorm2[j] ?? 0) ** options.alpha : 1 / Math.max(itemSum[j] ?? 0, 1e-9) ** options.beta;
  }
  for (let i = 0; i < nItems; i++) {
    if (options.onProgress && i % 1000 === 0) options.onProgress(i, nItems);
    if ((eligible && !eligible[i]) || (only && !only[i])) continue;
    let count = 0;
    for (let p = byItem.offsets[i] ?? 0; p < (byItem.offsets[i + 1] ?? 0); p++) {
      const u = byItem.index[p] ?? 0;
      const a = cosine ? (rItem[p] ?? 0) * (userWeight[u] ?? 0) : (rItem[p] ?? 0) / (itemSum[i] || 1);
      const right = cosine ? 1 : 1 / (userSum[u] || 1);
      for (let q = byUser.offsets[u] ?? 0; q < (byUser.offsets[u + 1] ?? 0); q++) {
        const j = byUser.index[q] ?? 0;
        if (j === i || (eligible && !eligible[j])) continue;
        if (!seen[j]) {
          seen[j] = 1;
          touched[count++] = j;
        }
        acc[j] = (acc[j] ?? 0) + a * (rUser[q] ?? 0) * right;
      }
    }
    const ownNorm = cosine ? (itemNorm2[i] ?? 0) ** (1 - options.alpha) : 1;
    for (let n = 0; n < count; n++) {
      const j = touched[n] ?? 0;
      acc[j] = cosine ? (acc[j] ?? 0) / (ownNorm * (post[j] ?? 0) + options.shrink) : (acc[j] ?? 0) * (post[j] ?? 0);
    }
    selectTopK(out, i, touched, count, acc);
    for (let n = 0; n < count; n++) {
      const j = touched[n] ?? 0;
      acc[j] = 0;
      seen[j] = 0;
    }
  }
  options.onProgress?.(nItems, nItems);
  return out;
}

/** log(1 + preference): the tenth play of a track is not worth ten first plays. */
function transformed(m: Csr): Float64Array {
  const out = new Float64Array(m.value.length);
  for (let p = 0; p < m.value.length; p++) out[p] = Math.log1p(m.value[p] ?? 0);
  return out;
}
