/**
 * `recs:eval --through-db`: the same held-out log, written into
 * recs.interactions of a fresh database, trained by trainAndStore, and the
 * stored neighbour and popularity tables read back and evaluated. Equal figures
 * (and equal tables) show the database path adds nothing and loses nothing.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { createTestDatabase } from "../../../shared/testing/test-database.ts";
import { cleanupOnInterrupt } from "../../platform/interrupt.ts";
import { progressBar } from "../../../scripts/progress.ts";
import type { HoldOut } from "../model/evaluate.ts";
import type { InteractionLog } from "../model/log.ts";
import { emptyNeighbours, type Neighbours } from "../model/sparse.ts";
import type { SyntheticWorld } from "../model/synthetic.ts";
import type { PopularSegment } from "../model/popularity.ts";
import { measure, type EvaluationRow } from "./measure.ts";
import { indexOfUuid, insertSyntheticCatalog, insertSyntheticInteractions } from "./synthetic-database.ts";
import { trainAndStore } from "./train-and-store.ts";

export interface ThroughDatabaseInput {
  world: SyntheticWorld;
  log: InteractionLog;
  holdOut: HoldOut;
  users: Int32Array;
  n: number;
  /** The plays the log was built from (the backbone replay turns these into events). */
  keep: (p: number) => boolean;
  print: (line: string) => void;
}

export async function evaluateThroughDatabase(input: ThroughDatabaseInput): Promise<EvaluationRow> {
  const database = await createTestDatabase("postgres");
  const drop = cleanupOnInterrupt(() => database.drop());
  try {
    const { db } = database;
    await insertSyntheticCatalog(db, input.world);
    const bar = progressBar("write recs.interactions");
    await insertSyntheticInteractions(db, input.log, (d, t) => bar.update(d, t));
    bar.stop();
    return await trainStoredAndMeasure(db, input, "served, through recs.interactions + trainAndStore");
  } finally {
    await drop();
  }
}

/** trainAndStore on what recs.interactions holds now, then the stored tables read back and evaluated. */
export async function trainStoredAndMeasure(db: Kysely<Database>, input: ThroughDatabaseInput, name: string): Promise<EvaluationRow> {
  const trainBar = progressBar("trainAndStore          ");
  const result = await trainAndStore(db, { onProgress: (stage, d, t) => stage !== "load" && trainBar.update(d, t) });
  trainBar.stop();
  input.print(
    `  ${result.interactions} interactions read in ${result.seconds.load.toFixed(1)} s, trained in ${result.seconds.train.toFixed(1)} s, stored in ${result.seconds.store.toFixed(1)} s`,
  );
  const stored = await readStoredModels(db, input.world.catalog.n, result.models.tracks.k);
  const metrics = measure(input.world, input.holdOut, result.models, stored.tracks, input.users, input.n, stored.popular);
  return { name, metrics, trainSeconds: result.seconds.train };
}

/** recs.track_neighbors and recs.popular_tracks back into index form (synthetic uuids carry their index). */
export async function readStoredModels(db: Kysely<Database>, nTracks: number, k: number): Promise<{ tracks: Neighbours; popular: PopularSegment[] }> {
  const tracks = emptyNeighbours(nTracks, k);
  let after = "";
  for (;;) {
    const page = await db
      .selectFrom("recs.track_neighbors")
      .selectAll()
      .where("track_id", ">", after || "00000000-0000-0000-0000-000000000000")
      .orderBy("track_id")
      .orderBy("rank")
      .limit(50_000)
      .execute();
    // Pages end at a track boundary: drop the last track's rows unless this is the final page, and read it again.
    const last = page[page.length - 1];
    const complete = page.length < 50_000 || !last ? page : page.filter((r) => r.track_id !== last.track_id);
    for (const r of complete) {
      const at = indexOfUuid(r.track_id) * k + r.rank;
      tracks.ids[at] = indexOfUuid(r.neighbor_id);
      tracks.scores[at] = r.score;
    }
    if (page.length < 50_000 || !last) break;
    after = complete[complete.length - 1]?.track_id ?? after;
  }
  const rows = await db.selectFrom("recs.popular_tracks").selectAll().orderBy("segment").orderBy("rank").execute();
  const bySegment = new Map<string, Array<{ t: number; s: number }>>();
  for (const r of rows) {
    let list = bySegment.get(r.segment);
    if (!list) {
      list = [];
      bySegment.set(r.segment, list);
    }
    list.push({ t: indexOfUuid(r.track_id), s: r.score });
  }
  const popular = [...bySegment.entries()].map(([segment, list]) => ({
    segment,
    items: Int32Array.from(list.map((x) => x.t)),
    scores: Float32Array.from(list.map((x) => x.s)),
  }));
  return { tracks, popular };
}
