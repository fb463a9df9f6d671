/**
 * Content similarity for cold start: a track nobody has played yet (or too few
 * to co-occur) gets neighbours from its metadata — same artist, shared genres,
 * same language, similar loudness — drawn from its artist's tracks and its
 * genres' popular tracks, so the candidates stay bounded (O(n · candidates)).
 */
import { genresOf, type CatalogArrays } from "./catalog.ts";
import type { PopularSegment } from "./popularity.ts";
import { emptyNeighbours, selectTopK, type Neighbours } from "./sparse.ts";

export const CONTENT_WEIGHTS = { artist: 0.45, genre: 0.3, language: 0.15, loudness: 0.05, popularity: 0.05 } as const;

/** `only` (1 = compute) limits the rows computed, as the incremental refresh does for new tracks; the others stay empty. */
export function contentNeighbours(
  catalog: CatalogArrays,
  pop: Float64Array,
  popular: PopularSegment[],
  k: number,
  perArtist = 50,
  only?: Uint8Array,
): Neighbours {
  const byArtist = new Map<number, number[]>();
  const ranked = Array.from({ length: catalog.n }, (_, t) => t)
    .filter((t) => catalog.eligible[t])
    .sort((a, b) => (pop[b] ?? 0) - (pop[a] ?? 0) || a - b);
  for (const t of ranked) {
    const a = catalog.artist[t] ?? 0;
    let list = byArtist.get(a);
    if (!list) {
      list = [];
      byArtist.set(a, list);
    }
    if (list.length < perArtist) list.push(t);
  }
  const genreLists = new Map<number, Int32Array>();
  catalog.genreNames.forEach((name, g) => {
    const seg = popular.find((s) => s.segment === `genre:${name}`);
    if (seg) genreLists.set(g, seg.items);
  });
  let maxPop = 0;
  for (const p of pop) maxPop = Math.max(maxPop, p);
  const out = emptyNeighbours(catalog.n, k);
  const score = new Float64Array(catalog.n);
  const candidates = new Int32Array(catalog.n);
  const mark = new Uint8Array(catalog.n);
  for (let t = 0; t < catalog.n; t++) {
    if (!catalog.eligible[t] || (only && !only[t])) continue;
    let count = 0;
    const add = (c: number): void => {
      if (c !== t && !mark[c]) {
        mark[c] = 1;
        candidates[count++] = c;
      }
    };
    for (const c of byArtist.get(catalog.artist[t] ?? 0) ?? []) add(c);
    for (const g of genresOf(catalog, t)) for (const c of genreLists.get(g) ?? []) add(c);
    const mine = genresOf(catalog, t);
    for (let n = 0; n < count; n++) {
      const c = candidates[n] ?? 0;
      score[c] = contentSimilarity(catalog, t, c, mine) + (CONTENT_WEIGHTS.popularity * (pop[c] ?? 0)) / (maxPop || 1);
    }
    selectTopK(out, t, candidates, count, score);
    for (let n = 0; n < count; n++) {
      mark[candidates[n] ?? 0] = 0;
      score[candidates[n] ?? 0] = 0;
    }
  }
  return out;
}

function contentSimilarity(catalog: CatalogArrays, a: number, b: number, genresA: Int32Array): number {
  const w = CONTENT_WEIGHTS;
  let s = catalog.artist[a] === catalog.artist[b] ? w.artist : 0;
  const genresB = genresOf(catalog, b);
  let shared = 0;
  for (const g of genresA) if (genresB.includes(g)) shared++;
  const union = genresA.length + genresB.length - shared;
  if (union > 0) s += (w.genre * shared) / union;
  if ((catalog.language[a] ?? -1) >= 0 && catalog.language[a] === catalog.language[b]) s += w.language;
  const la = catalog.loudness[a] ?? Number.NaN;
  const lb = catalog.loudness[b] ?? Number.NaN;
  if (!Number.isNaN(la) && !Number.isNaN(lb)) s += w.loudness * Math.max(0, 1 - Math.abs(la - lb) / 10);
  return s;
}
