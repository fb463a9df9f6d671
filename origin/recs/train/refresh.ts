/**
 * Incremental neighbour refresh between the daily trainings (issue 12). The
 * tracks that got new signals since the last training or refresh
 * (recs.interactions.recorded_at), and the tracks published since then, get
 * their recs.track_neighbors rows recomputed from the whole of
 * recs.interactions with the training's own formula (aggregation, RP3beta
 * co-occurrence, content top-up): a row refreshed now equals the row a full
 * retrain now would store. Only those rows are computed — the co-occurrence
 * pass, the costly part of training, is Σ over the touched tracks' listeners,
 * not over the catalogue — and they are written in batches, one transaction
 * per batch (delete the batch's rows, insert the new ones), so the edge reads
 * either a track's old list or its new one.
 *
 * Artist neighbours and the popularity segments are not touched here: the
 * first change slowly, the second are refreshed from catalog.track_stats.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { contentNeighbours } from "../model/content.ts";
import { cooccurrenceNeighbours } from "../model/item-knn.ts";
import { aggregate, newestTime } from "../model/log.ts";
import { popularSegments, trackPopularity } from "../model/popularity.ts";
import type { Neighbours } from "../model/sparse.ts";
import { DEFAULT_TRAIN, normaliseRows, topUp, type TrainOptions } from "../model/train.ts";
import { loadCatalog, loadInteractions } from "./load.ts";

export interface RefreshOptions {
  train?: TrainOptions;
  /** Tracks per write transaction. */
  batchSize?: number;
  /**
   * Rows recorded up to this long before the previous refresh started are
   * looked at again: a transaction open across that start commits rows with an
   * earlier recorded_at (its own now()). Recomputing a row twice is harmless.
   */
  overlapMs?: number;
}

export interface RefreshResult {
  /** Tracks with new signals since `since`. */
  touchedTracks: number;
  /** Tracks published since `since`. */
  newTracks: number;
  /** Tracks whose lists were rewritten (eligible ones among the two sets). */
  refreshedTracks: number;
  rowsWritten: number;
  since: Date | null;
  seconds: number;
}

/** Where the previous training or refresh left off: the later of the two starts, or null before any training. */
async function lastWatermark(db: Kysely<Database>): Promise<Date | null> {
  const run = await db.selectFrom("recs.model_runs").select("started_at").orderBy("id", "desc").limit(1).executeTakeFirst();
  if (!run) return null;
  const refresh = await db.selectFrom("recs.neighbor_refreshes").select("until").orderBy("id", "desc").limit(1).executeTakeFirst();
  const trained = new Date(run.started_at);
  return refresh && new Date(refresh.until) > trained ? new Date(refresh.until) : trained;
}

export async function refreshNeighbours(db: Kysely<Database>, options: RefreshOptions = {}): Promise<RefreshResult> {
  const started = performance.now();
  const startedAt = new Date();
  const train = options.train ?? DEFAULT_TRAIN;
  const watermark = await lastWatermark(db);
  const empty = { touchedTracks: 0, newTracks: 0, refreshedTracks: 0, rowsWritten: 0, since: watermark };
  // Nothing to patch before the first training: that one writes every list.
  if (!watermark) return { ...empty, seconds: 0 };
  const until = (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]?.now ?? new Date();
  const since = new Date(watermark.getTime() - (options.overlapMs ?? 120_000));
  const touched = await db.selectFrom("recs.interactions").select("track_id").distinct().where("recorded_at", ">", since).execute();
  const published = await db.selectFrom("catalog.tracks").select("id").where("published_at", ">", since).execute();

  let refreshedTracks = 0;
  let rowsWritten = 0;
  if (touched.length > 0 || published.length > 0) {
    const loaded = await loadCatalog(db);
    const { catalog, trackIndex, trackIds } = loaded;
    const only = new Uint8Array(catalog.n);
    for (const { track_id } of touched) mark(only, trackIndex.get(track_id), catalog.eligible);
    for (const { id } of published) mark(only, trackIndex.get(id), catalog.eligible);
    const { log, accountIds } = await loadInteractions(db, trackIndex);
    const aggregated = aggregate(log, accountIds.length, catalog.n, { ...train.aggregate, now: train.aggregate.now ?? newestTime(log) });
    const collaborative = cooccurrenceNeighbours(aggregated.byUser, aggregated.byItem, { ...train.knn, eligible: catalog.eligible, only });
    normaliseRows(collaborative);
    const popularity = trackPopularity(aggregated.byItem);
    const content = contentNeighbours(catalog, popularity, popularSegments(catalog, popularity, train.popularPerSegment), train.knn.k, undefined, only);
    const lists = topUp(collaborative, content, train.contentWeight);
    const rows: number[] = [];
    for (let t = 0; t < catalog.n; t++) if (only[t]) rows.push(t);
    refreshedTracks = rows.length;
    const batchSize = options.batchSize ?? 1_000;
    for (let from = 0; from < rows.length; from += batchSize) rowsWritten += await writeLists(db, lists, rows.slice(from, from + batchSize), trackIds);
  }
  await db
    .insertInto("recs.neighbor_refreshes")
    .values({
      started_at: startedAt,
      finished_at: new Date(),
      since,
      until,
      touched_tracks: touched.length,
      new_tracks: published.length,
      rows_written: rowsWritten,
    })
    .execute();
  return { touchedTracks: touched.length, newTracks: published.length, refreshedTracks, rowsWritten, since, seconds: (performance.now() - started) / 1000 };
}

function mark(only: Uint8Array, t: number | undefined, eligible: Uint8Array): void {
  // A track taken down keeps no list of its own; the edge filters it out of others' lists.
  if (t !== undefined && eligible[t]) only[t] = 1;
}

/** One transaction: the batch's old lists out, the new ones in. */
async function writeLists(db: Kysely<Database>, lists: Neighbours, rows: number[], trackIds: readonly string[]): Promise<number> {
  const sources: string[] = [];
  const ranks: number[] = [];
  const neighbours: string[] = [];
  const scores: number[] = [];
  for (const row of rows) {
    for (let r = 0; r < lists.k; r++) {
      const id = lists.ids[row * lists.k + r] ?? -1;
      if (id < 0) break;
      sources.push(trackIds[row] ?? "");
      ranks.push(r);
      neighbours.push(trackIds[id] ?? "");
      scores.push(lists.scores[row * lists.k + r] ?? 0);
    }
  }
  const ids = rows.map((row) => trackIds[row] ?? "");
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("recs.track_neighbors").where("track_id", "in", ids).execute();
    if (sources.length > 0)
      await sql`insert into recs.track_neighbors (track_id, rank, neighbor_id, score)
        select * from unnest(${sources}::uuid[], ${ranks}::int2[], ${neighbours}::uuid[], ${scores}::real[])`.execute(trx);
  });
  return sources.length;
}
