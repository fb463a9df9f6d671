/**
 * The evaluation run behind `npm run recs:eval` (scripts/recs-eval.ts): the
 * baselines and models on one held-out synthetic log, as a printed table.
 */
import { progressBar } from "../../../scripts/progress.ts";
import { evaluate, evaluationUsers, holdOutLastPlays, type HoldOut } from "../model/evaluate.ts";
import { DEFAULT_SYNTHETIC, generateWorld, logOfPlays, rng, type SyntheticOptions, type SyntheticWorld } from "../model/synthetic.ts";
import { DEFAULT_TRAIN, profileGenres, trainModels, type TrainedModels, type TrainOptions } from "../model/train.ts";
import type { PopularSegment } from "../model/popularity.ts";
import type { InteractionLog } from "../model/log.ts";
import { eligibleCount, listenerView, measure, type EvaluationRow } from "./measure.ts";

export type { EvaluationRow } from "./measure.ts";

export interface EvaluationOptions {
  world: Partial<SyntheticOptions>;
  holdout: number;
  evalUsers: number;
  n: number;
  /** Also train through recs.interactions of a fresh database on the DATABASE_URL server (see through-database.ts). */
  throughDatabase?: boolean;
  /** Also replay the log's plays as events through outbox → CDC → each of these logs → the recs consumer (see through-backbone.ts). */
  throughBackbone?: Array<"kafka" | "postgres">;
  /** Train only the served variant (the baselines and it; the replays compare against it): a replay run without 5 extra trainings. */
  servedOnly?: boolean;
  print: (line: string) => void;
}

export interface Evaluation {
  rows: EvaluationRow[];
  world: SyntheticWorld;
  holdOut: HoldOut;
  log: InteractionLog;
}

/** Models compared: the served one is DEFAULT_TRAIN's (CF topped up with content neighbours). */
const VARIANTS: Array<{ name: string; options: TrainOptions }> = [
  { name: "item-kNN cosine (α=0.5)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "cosine", alpha: 0.5 } } },
  { name: "item-kNN cosine (α=0.7, damped)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "cosine", alpha: 0.7 } } },
  { name: "RP3beta (β=0)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "rp3beta", beta: 0 } } },
  { name: "RP3beta (β=0.5)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "rp3beta", beta: 0.5 } } },
  { name: "RP3beta (β=0.6)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "rp3beta", beta: 0.6 } } },
  { name: "RP3beta (β=0.7)", options: { ...DEFAULT_TRAIN, knn: { ...DEFAULT_TRAIN.knn, model: "rp3beta", beta: 0.7 } } },
];

export async function runEvaluation(options: EvaluationOptions): Promise<Evaluation> {
  const { print, n } = options;
  const worldOptions = { ...DEFAULT_SYNTHETIC, ...options.world };
  let started = performance.now();
  const world = generateWorld(worldOptions);
  const holdOut = holdOutLastPlays(world, options.holdout);
  const log = logOfPlays(world, (p) => holdOut.isTraining[p] === 1);
  print(
    `log: ${worldOptions.listeners} listeners × ${worldOptions.tracks} tracks × ${world.plays.length} plays (${log.length} training signals), seed ${worldOptions.seed}; generated in ${seconds(started)} s`,
  );
  const users = evaluationUsers(holdOut, options.evalUsers);
  print(`held out the last ${options.holdout} plays of each listener; ${users.length} listeners with a new completed track in them; top-${n} lists`);

  const rows: EvaluationRow[] = [];
  let served: TrainedModels | undefined;
  for (const variant of options.servedOnly ? VARIANTS.filter((v) => isServed(v.options)) : VARIANTS) {
    started = performance.now();
    const models = train(log, world, variant.options, variant.name);
    const trainSeconds = Number(seconds(started));
    if (rows.length === 0) rows.push(...baselines(world, holdOut, models, users, n));
    rows.push({ name: variant.name, metrics: measure(world, holdOut, models, models.collaborative, users, n, models.popular), trainSeconds });
    if (isServed(variant.options)) served = models;
  }
  if (served)
    rows.push({
      name: `served: ${DEFAULT_TRAIN.knn.model} + content top-up`,
      metrics: measure(world, holdOut, served, served.tracks, users, n, served.popular),
    });
  printTable(rows, n, print);
  const servedRow = rows[rows.length - 1];
  if (served && servedRow) {
    const keep = (p: number): boolean => holdOut.isTraining[p] === 1;
    const input = { world, log, holdOut, users, n, keep, print };
    const paths: Array<{ label: string; run: () => Promise<EvaluationRow> }> = [];
    if (options.throughDatabase) {
      const { evaluateThroughDatabase } = await import("./through-database.ts");
      paths.push({ label: "through the database", run: () => evaluateThroughDatabase(input) });
    }
    for (const kind of options.throughBackbone ?? []) {
      const { evaluateThroughBackbone } = await import("./through-backbone.ts");
      paths.push({ label: kind === "kafka" ? "through Kafka" : "through the PostgreSQL log", run: () => evaluateThroughBackbone(input, kind) });
    }
    for (const path of paths) {
      const row = await path.run();
      printTable([servedRow, row], n, print);
      const same = JSON.stringify(row.metrics) === JSON.stringify(servedRow.metrics);
      print(same ? `${path.label}: identical figures` : `${path.label}: FIGURES DIFFER`);
      if (!same) process.exitCode = 1;
    }
  }
  return { rows, world, holdOut, log };
}

function isServed(options: TrainOptions): boolean {
  return options.knn.model === DEFAULT_TRAIN.knn.model && options.knn.beta === DEFAULT_TRAIN.knn.beta && options.knn.alpha === DEFAULT_TRAIN.knn.alpha;
}

function train(log: InteractionLog, world: SyntheticWorld, options: TrainOptions, name: string): TrainedModels {
  const bar = progressBar(`train ${name.padEnd(32)}`);
  try {
    return trainModels(log, world.plays.offsets.length - 1, world.catalog, { ...options, onStage: (stage, d, t) => stage === "tracks" && bar.update(d, t) });
  } finally {
    bar.stop();
  }
}

function baselines(world: SyntheticWorld, holdOut: HoldOut, models: TrainedModels, users: Int32Array, n: number): EvaluationRow[] {
  const { catalog } = world;
  const exclude = new Uint8Array(catalog.n);
  const eligible = eligibleCount(world);
  const random = rng(world.options.seed + 1);
  const all = models.popular.find((s) => s.segment === "all")?.items ?? new Int32Array();
  const byGenre = new Map<number, PopularSegment>();
  catalog.genreNames.forEach((name, g) => {
    const seg = models.popular.find((s) => s.segment === `genre:${name}`);
    if (seg) byGenre.set(g, seg);
  });
  const pick = (candidates: ArrayLike<number>, out: number[]): void => {
    for (let c = 0; c < candidates.length && out.length < n; c++) {
      const t = candidates[c] ?? 0;
      if (!exclude[t]) {
        exclude[t] = 1;
        out.push(t);
      }
    }
  };
  const run = (name: string, list: (u: number, view: { items: Int32Array; preferences: Float32Array }) => number[]): EvaluationRow => ({
    name,
    metrics: evaluate(holdOut, models.aggregated, eligible, n, users, (u) => {
      const view = listenerView(models, u, exclude);
      const out = list(u, view);
      for (const t of out) exclude[t] = 0;
      view.release();
      return out;
    }),
  });
  return [
    run("random", () => {
      const out: number[] = [];
      for (let tries = 0; out.length < n && tries < n * 100; tries++) {
        const t = Math.floor(random() * catalog.n);
        if (catalog.eligible[t]) pick([t], out);
      }
      return out;
    }),
    run("popularity (global)", () => {
      const out: number[] = [];
      pick(all, out);
      return out;
    }),
    run("popularity (listener's genres)", (_u, view) => {
      // Each of the listener's genres contributes its popular tracks in proportion to its share of the profile.
      const shares = profileGenres(catalog, view.items, view.preferences);
      const scored = new Map<number, number>();
      for (const [g, share] of shares) {
        const seg = byGenre.get(g);
        if (!seg) continue;
        const top = seg.scores[0] || 1;
        seg.items.forEach((t, r) => {
          if (!exclude[t]) scored.set(t, (scored.get(t) ?? 0) + (share * (seg.scores[r] ?? 0)) / top);
        });
      }
      const ranked = [...scored.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([t]) => t);
      const out: number[] = [];
      pick(ranked, out);
      pick(all, out);
      return out;
    }),
  ];
}

export function printTable(rows: EvaluationRow[], n: number, print: (line: string) => void): void {
  print("");
  print(`| model | Recall@${n} | NDCG@${n} | coverage | novelty (bits) | train (s) |`);
  print("|---|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    const m = r.metrics;
    print(
      `| ${r.name} | ${m.recall.toFixed(4)} | ${m.ndcg.toFixed(4)} | ${(m.coverage * 100).toFixed(1)}% | ${m.novelty.toFixed(2)} | ${r.trainSeconds?.toFixed(1) ?? ""} |`,
    );
  }
  print("");
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
