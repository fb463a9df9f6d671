/** One model's offline figures on the synthetic log: shared by the in-memory and the through-the-database paths. */
import { evaluate, type HoldOut, type Metrics } from "../model/evaluate.ts";
import type { PopularSegment } from "../model/popularity.ts";
import { recommend } from "../../../shared/recs/recommend.ts";
import type { Neighbours } from "../model/sparse.ts";
import type { SyntheticWorld } from "../model/synthetic.ts";
import type { TrainedModels } from "../model/train.ts";

export interface EvaluationRow {
  name: string;
  metrics: Metrics;
  trainSeconds?: number;
}

/** The evaluation's view of one listener: the training profile and what must not be returned. */
export function listenerView(models: TrainedModels, u: number, exclude: Uint8Array): { items: Int32Array; preferences: Float32Array; release: () => void } {
  const { byUser, negative } = models.aggregated;
  const from = byUser.offsets[u] ?? 0;
  const to = byUser.offsets[u + 1] ?? 0;
  const items = byUser.index.subarray(from, to);
  const preferences = byUser.value.subarray(from, to);
  const negatives = negative.index.subarray(negative.offsets[u] ?? 0, negative.offsets[u + 1] ?? 0);
  for (const i of items) exclude[i] = 1;
  for (const i of negatives) exclude[i] = 1;
  return {
    items,
    preferences,
    release: () => {
      for (const i of items) exclude[i] = 0;
      for (const i of negatives) exclude[i] = 0;
    },
  };
}

export function measure(
  world: SyntheticWorld,
  holdOut: HoldOut,
  models: TrainedModels,
  neighbours: Neighbours,
  users: Int32Array,
  n: number,
  popular: PopularSegment[],
): Metrics {
  const exclude = new Uint8Array(world.catalog.n);
  for (let t = 0; t < world.catalog.n; t++) if (!world.catalog.eligible[t]) exclude[t] = 1;
  const fallback = popular.find((s) => s.segment === "all")?.items ?? new Int32Array();
  return evaluate(holdOut, models.aggregated, eligibleCount(world), n, users, (u) => {
    const view = listenerView(models, u, exclude);
    const list = recommend(view, neighbours, { n, exclude, fallback }).map((r) => r.item);
    view.release();
    return list;
  });
}

export function eligibleCount(world: SyntheticWorld): number {
  let c = 0;
  for (const e of world.catalog.eligible) c += e;
  return c;
}
