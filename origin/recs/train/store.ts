/**
 * Replaces the served model tables in one transaction: readers (the edge) see
 * the previous run until the commit and the new one after, never a mix. DELETE
 * rather than TRUNCATE because TRUNCATE's exclusive lock would block every
 * reader for the length of the load.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { PopularSegment } from "../model/popularity.ts";
import type { Neighbours } from "../model/sparse.ts";

export interface ModelRun {
  model: string;
  startedAt: Date;
  interactions: number;
  tracks: number;
  params: Record<string, unknown>;
}

export interface StoreInput {
  tracks: Neighbours;
  trackIds: readonly string[];
  artists: Neighbours;
  artistIds: readonly string[];
  popular: PopularSegment[];
  run: ModelRun;
}

export interface StoredCounts {
  runId: string;
  trackNeighbors: number;
  artistNeighbors: number;
  popularTracks: number;
}

/** Rows per INSERT … SELECT FROM unnest(): four array parameters however many rows, so a chunk is one round trip. */
const chunkRows = 20_000;

export async function storeModels(db: Kysely<Database>, input: StoreInput, onProgress?: (done: number, total: number) => void): Promise<StoredCounts> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom("recs.track_neighbors").execute();
    await trx.deleteFrom("recs.artist_neighbors").execute();
    await trx.deleteFrom("recs.popular_tracks").execute();
    const total = input.tracks.n + input.artists.n + input.popular.length;
    let done = 0;
    const trackNeighbors = await insertNeighbours(trx, "track", input.tracks, input.trackIds, (d) => {
      done = d;
      onProgress?.(d, total);
    });
    const artistNeighbors = await insertNeighbours(trx, "artist", input.artists, input.artistIds, (d) => onProgress?.(done + d, total));
    let popularTracks = 0;
    const segments: string[] = [];
    const ranks: number[] = [];
    const ids: string[] = [];
    const scores: number[] = [];
    for (const seg of input.popular) {
      seg.items.forEach((t, rank) => {
        segments.push(seg.segment);
        ranks.push(rank);
        ids.push(input.trackIds[t] ?? "");
        scores.push(seg.scores[rank] ?? 0);
      });
    }
    for (let from = 0; from < ids.length; from += chunkRows) {
      const to = Math.min(ids.length, from + chunkRows);
      await sql`insert into recs.popular_tracks (segment, rank, track_id, score)
        select * from unnest(${segments.slice(from, to)}::text[], ${ranks.slice(from, to)}::int[], ${ids.slice(from, to)}::uuid[], ${scores.slice(from, to)}::real[])`.execute(
        trx,
      );
      popularTracks += to - from;
    }
    onProgress?.(total, total);
    const run = await trx
      .insertInto("recs.model_runs")
      .values({
        model: input.run.model,
        started_at: input.run.startedAt,
        finished_at: new Date(),
        interactions: input.run.interactions,
        tracks: input.run.tracks,
        params: JSON.stringify({ ...input.run.params, trackNeighbors, artistNeighbors, popularTracks }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { runId: String(run.id), trackNeighbors, artistNeighbors, popularTracks };
  });
}

async function insertNeighbours(
  trx: Transaction<Database>,
  kind: "track" | "artist",
  nb: Neighbours,
  ids: readonly string[],
  onRows: (rowsDone: number) => void,
): Promise<number> {
  let written = 0;
  let sources: string[] = [];
  let ranks: number[] = [];
  let neighbours: string[] = [];
  let scores: number[] = [];
  const flush = async (): Promise<void> => {
    if (sources.length === 0) return;
    const query =
      kind === "track"
        ? sql`insert into recs.track_neighbors (track_id, rank, neighbor_id, score)
            select * from unnest(${sources}::uuid[], ${ranks}::int2[], ${neighbours}::uuid[], ${scores}::real[])`
        : sql`insert into recs.artist_neighbors (artist_id, rank, neighbor_id, score)
            select * from unnest(${sources}::uuid[], ${ranks}::int2[], ${neighbours}::uuid[], ${scores}::real[])`;
    await query.execute(trx);
    written += sources.length;
    sources = [];
    ranks = [];
    neighbours = [];
    scores = [];
  };
  for (let row = 0; row < nb.n; row++) {
    for (let r = 0; r < nb.k; r++) {
      const id = nb.ids[row * nb.k + r] ?? -1;
      if (id < 0) break;
      sources.push(ids[row] ?? "");
      ranks.push(r);
      neighbours.push(ids[id] ?? "");
      scores.push(nb.scores[row * nb.k + r] ?? 0);
    }
    if (sources.length >= chunkRows) {
      await flush();
      onRows(row + 1);
    }
  }
  await flush();
  onRows(nb.n);
  return written;
}
