/**
 * One training run over a log and a catalogue: aggregation, item-item CF,
 * content neighbours for cold tracks, popularity per segment and artist-artist
 * similarity. Pure and runtime-neutral; origin/recs/train reads and writes the
 * database around it.
 */
import { genresOf, type CatalogArrays } from "./catalog.ts";
import { contentNeighbours } from "./content.ts";
import { cooccurrenceNeighbours, DEFAULT_ITEM_KNN, itemNeighbours, type ItemKnnOptions } from "./item-knn.ts";
import { aggregate, DEFAULT_AGGREGATE, type AggregateOptions, type Aggregated, type InteractionLog } from "./log.ts";
import { popularSegments, trackPopularity, type PopularSegment } from "./popularity.ts";
import { csrFromTriples, emptyNeighbours, type Csr, type Neighbours } from "./sparse.ts";

export interface TrainOptions {
  aggregate: AggregateOptions;
  knn: Omit<ItemKnnOptions, "eligible" | "onProgress">;
  /** Neighbours kept per artist. */
  artistK: number;
  /** Tracks kept per popularity segment. */
  popularPerSegment: number;
  /** Content neighbours enter a list only after every CF neighbour, scaled by this (≤ 1) times the list's weakest CF score. */
  contentWeight: number;
  onStage?: (stage: string, done: number, total: number) => void;
}

export const DEFAULT_TRAIN: TrainOptions = {
  aggregate: DEFAULT_AGGREGATE,
  knn: { model: DEFAULT_ITEM_KNN.model, k: DEFAULT_ITEM_KNN.k, alpha: DEFAULT_ITEM_KNN.alpha, shrink: DEFAULT_ITEM_KNN.shrink, beta: DEFAULT_ITEM_KNN.beta },
  artistK: 30,
  popularPerSegment: 200,
  contentWeight: 0.5,
};

export interface TrainedModels {
  aggregated: Aggregated;
  popularity: Float64Array;
  /** CF neighbours only (for the evaluation's per-model rows). */
  collaborative: Neighbours;
  /** What is served: CF, topped up with content neighbours; each list normalised to max 1. */
  tracks: Neighbours;
  artists: Neighbours;
  popular: PopularSegment[];
}

export function trainModels(log: InteractionLog, nUsers: number, catalog: CatalogArrays, options: TrainOptions = DEFAULT_TRAIN): TrainedModels {
  const stage = options.onStage ?? (() => undefined);
  stage("aggregate", 0, 1);
  const aggregated = aggregate(log, nUsers, catalog.n, options.aggregate);
  stage("aggregate", 1, 1);
  const collaborative = itemNeighbours(aggregated, { ...options.knn, eligible: catalog.eligible, onProgress: (d, t) => stage("tracks", d, t) });
  normaliseRows(collaborative);
  const popularity = trackPopularity(aggregated.byItem);
  const popular = popularSegments(catalog, popularity, options.popularPerSegment);
  stage("content", 0, 1);
  const content = contentNeighbours(catalog, popularity, popular, options.knn.k);
  stage("content", 1, 1);
  const tracks = topUp(collaborative, content, options.contentWeight);
  const artists = artistNeighbours(aggregated.byUser, catalog, options, (d, t) => stage("artists", d, t));
  return { aggregated, popularity, collaborative, tracks, artists, popular };
}

/** Divides each list by its first (largest) score: lists of rare and popular tracks weigh alike in a profile sum. */
export function normaliseRows(nb: Neighbours): void {
  for (let row = 0; row < nb.n; row++) {
    const top = nb.scores[row * nb.k] ?? 0;
    if (!(top > 0)) continue;
    for (let r = 0; r < nb.k; r++) nb.scores[row * nb.k + r] = Math.fround((nb.scores[row * nb.k + r] ?? 0) / top);
  }
}

/** Appends content neighbours after the CF ones, each below the weakest CF score (or ≤ weight when there is none). */
export function topUp(cf: Neighbours, content: Neighbours, weight: number): Neighbours {
  const { n, k } = cf;
  const out = emptyNeighbours(n, k);
  for (let row = 0; row < n; row++) {
    let len = 0;
    let floor = 1;
    const have = new Set<number>();
    for (let r = 0; r < k; r++) {
      const id = cf.ids[row * k + r] ?? -1;
      if (id < 0) break;
      out.ids[row * k + len] = id;
      out.scores[row * k + len] = cf.scores[row * k + r] ?? 0;
      floor = cf.scores[row * k + r] ?? 0;
      have.add(id);
      len++;
    }
    const topContent = content.scores[row * content.k] ?? 0;
    for (let r = 0; r < content.k && len < k; r++) {
      const id = content.ids[row * content.k + r] ?? -1;
      if (id < 0) break;
      if (have.has(id)) continue;
      out.ids[row * k + len] = id;
      out.scores[row * k + len] = Math.fround((weight * floor * (content.scores[row * content.k + r] ?? 0)) / (topContent || 1));
      len++;
    }
  }
  return out;
}

/** Artist-artist similarity: the same co-occurrence pass on the listener × artist matrix (preferences summed per main artist). */
export function artistNeighbours(byUser: Csr, catalog: CatalogArrays, options: TrainOptions, onProgress?: (done: number, total: number) => void): Neighbours {
  const u: number[] = [];
  const a: number[] = [];
  const v: number[] = [];
  const row = new Map<number, number>();
  for (let user = 0; user < byUser.rows; user++) {
    row.clear();
    for (let p = byUser.offsets[user] ?? 0; p < (byUser.offsets[user + 1] ?? 0); p++) {
      const artist = catalog.artist[byUser.index[p] ?? 0] ?? 0;
      row.set(artist, (row.get(artist) ?? 0) + (byUser.value[p] ?? 0));
    }
    for (const [artist, value] of [...row.entries()].sort((x, y) => x[0] - y[0])) {
      u.push(user);
      a.push(artist);
      v.push(value);
    }
  }
  const uu = Int32Array.from(u);
  const aa = Int32Array.from(a);
  const vv = Float32Array.from(v);
  const byUserArtist = csrFromTriples(byUser.rows, catalog.nArtists, uu, aa, vv);
  const byArtist = csrFromTriples(catalog.nArtists, byUser.rows, aa, uu, vv);
  const nb = cooccurrenceNeighbours(byUserArtist, byArtist, { ...options.knn, k: options.artistK, onProgress });
  normaliseRows(nb);
  return nb;
}

/** The dominant genres of a profile (for the per-genre popularity baseline and "popular in rock" reasons). */
export function profileGenres(catalog: CatalogArrays, items: ArrayLike<number>, preferences: ArrayLike<number>): Map<number, number> {
  const shares = new Map<number, number>();
  for (let p = 0; p < items.length; p++) {
    const pref = preferences[p] ?? 0;
    if (!(pref > 0)) continue;
    const gs = genresOf(catalog, items[p] ?? 0);
    for (const g of gs) shares.set(g, (shares.get(g) ?? 0) + Math.log1p(pref) / gs.length);
  }
  return shares;
}
