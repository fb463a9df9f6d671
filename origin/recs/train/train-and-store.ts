/**
 * `trainAndStore(db)`: one full training run against the database — read the
 * catalogue and recs.interactions, train (origin/recs/model), replace the model
 * tables atomically and record a recs.model_runs row. The origin runs it daily,
 * the demo after seeding, `npm run recs:train` by hand.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { Logger } from "../../../shared/logger.ts";
import { newestTime } from "../model/log.ts";
import { DEFAULT_TRAIN, trainModels, type TrainedModels, type TrainOptions } from "../model/train.ts";
import { loadCatalog, loadInteractions } from "./load.ts";
import { storeModels, type StoredCounts } from "./store.ts";

export interface TrainAndStoreOptions {
  train?: Partial<TrainOptions>;
  /** Decay reference time; default the newest interaction, so retraining an unchanged log reproduces the tables. */
  now?: Date;
  logger?: Logger;
  /** Stage progress, e.g. for a progress bar: "load", "tracks", "content", "artists", "store". */
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface TrainAndStoreResult extends StoredCounts {
  interactions: number;
  listeners: number;
  tracks: number;
  eligibleTracks: number;
  seconds: { load: number; train: number; store: number };
  /** The trained models with the ids their indices stand for (the evaluation reads them). */
  models: TrainedModels;
  trackIds: string[];
  accountIds: string[];
}

export async function trainAndStore(db: Kysely<Database>, options: TrainAndStoreOptions = {}): Promise<TrainAndStoreResult> {
  const startedAt = new Date();
  const progress = options.onProgress ?? (() => undefined);
  let mark = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const s = (now - mark) / 1000;
    mark = now;
    return s;
  };
  const loaded = await loadCatalog(db);
  const { log, accountIds } = await loadInteractions(db, loaded.trackIndex, { onProgress: (rows) => progress("load", rows, rows) });
  const load = lap();
  const trainOptions: TrainOptions = {
    ...DEFAULT_TRAIN,
    ...options.train,
    aggregate: { ...DEFAULT_TRAIN.aggregate, ...options.train?.aggregate, now: options.now?.getTime() ?? options.train?.aggregate?.now ?? newestTime(log) },
    onStage: progress,
  };
  const models = trainModels(log, accountIds.length, loaded.catalog, trainOptions);
  const train = lap();
  let eligibleTracks = 0;
  for (const e of loaded.catalog.eligible) eligibleTracks += e;
  const stored = await storeModels(
    db,
    {
      tracks: models.tracks,
      trackIds: loaded.trackIds,
      artists: models.artists,
      artistIds: loaded.artistIds,
      popular: models.popular,
      run: {
        model: `item-knn:${trainOptions.knn.model}+content`,
        startedAt,
        interactions: log.length,
        tracks: eligibleTracks,
        params: {
          knn: trainOptions.knn,
          aggregate: trainOptions.aggregate,
          artistK: trainOptions.artistK,
          popularPerSegment: trainOptions.popularPerSegment,
          contentWeight: trainOptions.contentWeight,
        },
      },
    },
    (d, t) => progress("store", d, t),
  );
  const store = lap();
  const result = {
    ...stored,
    interactions: log.length,
    listeners: accountIds.length,
    tracks: loaded.catalog.n,
    eligibleTracks,
    seconds: { load, train, store },
  };
  options.logger?.info("recs model trained", {
    runId: result.runId,
    interactions: result.interactions,
    listeners: result.listeners,
    tracks: result.tracks,
    ...result.seconds,
  });
  return { ...result, models, trackIds: loaded.trackIds, accountIds };
}
