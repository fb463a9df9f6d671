/**
 * The wave's collaborative part: shared/recs/recommend.ts — the function the
 * offline evaluation measures — run on the neighbour rows read from
 * recs.track_neighbors. Only the uuid ↔ index mapping lives here, so the
 * served order of these candidates is exactly recommend()'s.
 */
import { type Neighbours, recommend } from "../../../shared/recs/recommend.ts";
import type { Neighbor } from "./candidates.ts";

export interface Collaborative {
  id: string;
  score: number;
  /** The profile track that contributed most (the "because you liked …"). */
  because: string;
}

/**
 * `preferences`: the listener's net decayed preference per track (every track of
 * the profile: non-positive ones are not expanded but are never recommended, as
 * in the evaluation). `neighbors`: the stored lists of some of them, best first.
 */
export function collaborativeScores(
  preferences: ReadonlyMap<string, number>,
  neighbors: readonly Neighbor[],
  exclude: ReadonlySet<string>,
  n: number,
): Collaborative[] {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const indexOf = (id: string): number => {
    let i = index.get(id);
    if (i === undefined) {
      i = ids.length;
      index.set(id, i);
      ids.push(id);
    }
    return i;
  };
  for (const id of preferences.keys()) indexOf(id);
  const lists = new Map<number, Neighbor[]>();
  for (const row of neighbors) {
    const seed = indexOf(row.seed);
    indexOf(row.id);
    const list = lists.get(seed) ?? [];
    list.push(row);
    lists.set(seed, list);
  }
  const k = Math.max(1, ...[...lists.values()].map((list) => list.length));
  const listIds = new Int32Array(ids.length * k).fill(-1);
  const listScores = new Float32Array(ids.length * k);
  for (const [seed, list] of lists) {
    list.forEach((row, r) => {
      listIds[seed * k + r] = index.get(row.id) ?? -1;
      listScores[seed * k + r] = row.score;
    });
  }
  const nb: Neighbours = { n: ids.length, k, ids: listIds, scores: listScores };
  const excluded = new Uint8Array(ids.length);
  for (const id of exclude) {
    const i = index.get(id);
    if (i !== undefined) excluded[i] = 1;
  }
  const items = [...preferences.keys()].map((id) => index.get(id) ?? -1);
  const prefs = [...preferences.values()];
  return recommend({ items, preferences: prefs }, nb, { n, exclude: excluded }).map((rec) => ({
    id: ids[rec.item] ?? "",
    score: rec.score,
    because: ids[rec.because] ?? "",
  }));
}
