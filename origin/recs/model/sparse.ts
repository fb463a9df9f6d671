/** Compressed sparse rows over typed arrays, and the top-K neighbour lists every model produces. */

export interface Csr {
  rows: number;
  cols: number;
  /** rows + 1 offsets into `index`/`value`. */
  offsets: Int32Array;
  index: Int32Array;
  value: Float32Array;
}

/** Builds a CSR from (row, col, value) triples; columns within a row come out sorted. */
export function csrFromTriples(rows: number, cols: number, r: Int32Array, c: Int32Array, v: Float32Array): Csr {
  const offsets = new Int32Array(rows + 1);
  for (let k = 0; k < r.length; k++) {
    const row = (r[k] ?? 0) + 1;
    offsets[row] = (offsets[row] ?? 0) + 1;
  }
  for (let k = 0; k < rows; k++) offsets[k + 1] = (offsets[k + 1] ?? 0) + (offsets[k] ?? 0);
  const cursor = offsets.slice(0, rows);
  const index = new Int32Array(r.length);
  const value = new Float32Array(r.length);
  // Counting sort by row, stable, then by column inside each row.
  const order = new Int32Array(r.length);
  for (let k = 0; k < r.length; k++) {
    const row = r[k] ?? 0;
    const at = cursor[row] ?? 0;
    order[at] = k;
    cursor[row] = at + 1;
  }
  for (let row = 0; row < rows; row++) {
    const from = offsets[row] ?? 0;
    const to = offsets[row + 1] ?? 0;
    const slice = order.subarray(from, to).sort((a, b) => (c[a] ?? 0) - (c[b] ?? 0));
    for (let k = 0; k < slice.length; k++) {
      index[from + k] = c[slice[k] ?? 0] ?? 0;
      value[from + k] = v[slice[k] ?? 0] ?? 0;
    }
  }
  return { rows, cols, offsets, index, value };
}

/**
 * Top-K neighbours of every row: `ids[row*k + rank]` (−1 where the list is
 * shorter) with `scores` in descending order; ties go to the lower index so the
 * lists are deterministic.
 */
export interface Neighbours {
  n: number;
  k: number;
  ids: Int32Array;
  scores: Float32Array;
}

export function emptyNeighbours(n: number, k: number): Neighbours {
  return { n, k, ids: new Int32Array(n * k).fill(-1), scores: new Float32Array(n * k) };
}

/** The neighbours of one row as arrays (for tests and writers). */
export function neighboursOf(nb: Neighbours, row: number): Array<{ id: number; score: number }> {
  const out: Array<{ id: number; score: number }> = [];
  for (let r = 0; r < nb.k; r++) {
    const id = nb.ids[row * nb.k + r] ?? -1;
    if (id < 0) break;
    out.push({ id, score: nb.scores[row * nb.k + r] ?? 0 });
  }
  return out;
}

/**
 * Selects the top k of `candidates` by `score[c]` into row `row` of `out`
 * (a bounded min-heap: O(n log k)). Scores are rounded to float32 before the
 * comparison so the ranking equals the ranking of the stored values.
 */
export function selectTopK(out: Neighbours, row: number, candidates: Int32Array, count: number, score: Float64Array): void {
  const k = out.k;
  const heapId = new Int32Array(k);
  const heapScore = new Float32Array(k);
  let size = 0;
  // "a ranks below b": lower score, or equal score and higher index.
  const below = (sa: number, ia: number, sb: number, ib: number): boolean => sa < sb || (sa === sb && ia > ib);
  for (let n = 0; n < count; n++) {
    const id = candidates[n] ?? 0;
    const s = Math.fround(score[id] ?? 0);
    if (!(s > 0)) continue;
    if (size < k) {
      let pos = size++;
      while (pos > 0) {
        const parent = (pos - 1) >> 1;
        if (!below(s, id, heapScore[parent] ?? 0, heapId[parent] ?? 0)) break;
        heapId[pos] = heapId[parent] ?? 0;
        heapScore[pos] = heapScore[parent] ?? 0;
        pos = parent;
      }
      heapId[pos] = id;
      heapScore[pos] = s;
    } else if (below(heapScore[0] ?? 0, heapId[0] ?? 0, s, id)) {
      let pos = 0;
      for (;;) {
        const l = 2 * pos + 1;
        const r = l + 1;
        let m = pos;
        let ms = s;
        let mi = id;
        if (l < k && below(heapScore[l] ?? 0, heapId[l] ?? 0, ms, mi)) {
          m = l;
          ms = heapScore[l] ?? 0;
          mi = heapId[l] ?? 0;
        }
        if (r < k && below(heapScore[r] ?? 0, heapId[r] ?? 0, ms, mi)) m = r;
        if (m === pos) break;
        heapId[pos] = heapId[m] ?? 0;
        heapScore[pos] = heapScore[m] ?? 0;
        pos = m;
      }
      heapId[pos] = id;
      heapScore[pos] = s;
    }
  }
  const entries = Array.from({ length: size }, (_, n) => ({ id: heapId[n] ?? 0, s: heapScore[n] ?? 0 }));
  entries.sort((a, b) => b.s - a.s || a.id - b.id);
  for (let r = 0; r < k; r++) {
    const e = entries[r];
    out.ids[row * k + r] = e ? e.id : -1;
    out.scores[row * k + r] = e ? e.s : 0;
  }
}
