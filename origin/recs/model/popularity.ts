/**
 * Popularity per segment ('all', 'genre:<g>', 'language:<l>'): the fallback
 * for a listener without history and the cold-start seed. A track's
 * popularity is the number of listeners who like it, time-decayed, each
 * listener counting at most 1 (so one fan on repeat does not make a hit).
 */
import { genresOf, type CatalogArrays } from "./catalog.ts";
import type { Csr } from "./sparse.ts";

export interface PopularSegment {
  segment: string;
  items: Int32Array;
  scores: Float32Array;
}

export function trackPopularity(byItem: Csr): Float64Array {
  const pop = new Float64Array(byItem.rows);
  for (let i = 0; i < byItem.rows; i++) {
    let s = 0;
    for (let p = byItem.offsets[i] ?? 0; p < (byItem.offsets[i + 1] ?? 0); p++) s += Math.min(1, byItem.value[p] ?? 0);
    pop[i] = s;
  }
  return pop;
}

/**
 * The top `n` eligible tracks of every segment, most popular first (ties: lower
 * index). Tracks nobody played yet still fill a segment after the played ones,
 * so a fresh catalogue (the demo before any play) has genre lists.
 */
export function popularSegments(catalog: CatalogArrays, pop: Float64Array, n: number): PopularSegment[] {
  const order = Array.from({ length: catalog.n }, (_, t) => t)
    .filter((t) => catalog.eligible[t])
    .sort((a, b) => Math.fround(pop[b] ?? 0) - Math.fround(pop[a] ?? 0) || a - b);
  const buckets = new Map<string, number[]>([["all", []]]);
  const push = (segment: string, t: number): void => {
    let list = buckets.get(segment);
    if (!list) {
      list = [];
      buckets.set(segment, list);
    }
    if (list.length < n) list.push(t);
  };
  for (const t of order) {
    push("all", t);
    for (const g of genresOf(catalog, t)) push(`genre:${catalog.genreNames[g] ?? ""}`, t);
    const l = catalog.language[t] ?? -1;
    if (l >= 0) push(`language:${catalog.languageNames[l] ?? ""}`, t);
  }
  return [...buckets.entries()]
    .filter(([segment]) => segment.length <= 200)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([segment, items]) => ({ segment, items: Int32Array.from(items), scores: Float32Array.from(items.map((t) => pop[t] ?? 0)) }));
}
