/**
 * The training half of `npm run bench:recs` (issue 12): time and peak memory of
 * a training run on the synthetic log (2,000,000 plays by default), in memory
 * and through the database (recs.interactions → trainAndStore → model tables).
 * The baseline, measured in the same run, is one aggregation pass over the log
 * (what any model must at least do), so the ratios say what the neighbour
 * search costs on top of reading the data. Targets: ≤ 5 min, ≤ 4 GiB.
 *
 *   npx tsx scripts/bench/recs-train.ts [--plays 2000000] [--listeners 20000] [--tracks 50000] [--skip-db]
 *   (or under /usr/bin/time -v for the kernel's peak RSS)
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { aggregate, DEFAULT_AGGREGATE } from "../../origin/recs/model/log.ts";
import { DEFAULT_SYNTHETIC, generateWorld, logOfPlays } from "../../origin/recs/model/synthetic.ts";
import { DEFAULT_TRAIN, trainModels } from "../../origin/recs/model/train.ts";
import { insertSyntheticCatalog, insertSyntheticInteractions } from "../../origin/recs/train/synthetic-database.ts";
import { trainAndStore } from "../../origin/recs/train/train-and-store.ts";
import { createTestDatabase } from "../../shared/testing/test-database.ts";
import { progressBar } from "../progress.ts";

const { values } = parseArgs({
  options: {
    plays: { type: "string", default: String(DEFAULT_SYNTHETIC.plays) },
    listeners: { type: "string", default: String(DEFAULT_SYNTHETIC.listeners) },
    tracks: { type: "string", default: String(DEFAULT_SYNTHETIC.tracks) },
    "skip-db": { type: "boolean", default: false },
  },
});
const args = z
  .object({
    plays: z.coerce.number().int().min(1).max(50_000_000),
    listeners: z.coerce.number().int().min(1).max(1_000_000),
    tracks: z.coerce.number().int().min(1).max(2_000_000),
    "skip-db": z.boolean(),
  })
  .parse(values);
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Peak RSS over a phase, sampled every 50 ms (the kernel's maxRSS covers the whole process only). */
async function measured<T>(label: string, run: () => Promise<T> | T): Promise<{ value: T; seconds: number; peakRss: number; heapAfter: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const value = await run();
    peak = Math.max(peak, process.memoryUsage().rss);
    const seconds = (performance.now() - started) / 1000;
    const heapAfter = process.memoryUsage().heapUsed;
    print(`${label.padEnd(44)} ${seconds.toFixed(1).padStart(7)} s   peak RSS ${mib(peak).padStart(9)}`);
    return { value, seconds, peakRss: peak, heapAfter };
  } finally {
    clearInterval(timer);
  }
}

const world = generateWorld({ ...DEFAULT_SYNTHETIC, plays: args.plays, listeners: args.listeners, tracks: args.tracks });
const log = logOfPlays(world, () => true);
const nUsers = world.plays.offsets.length - 1;
print(`synthetic log: ${nUsers} listeners × ${world.catalog.n} tracks × ${world.plays.length} plays = ${log.length} interaction rows`);
print(`baseline RSS after generating the log: ${mib(process.memoryUsage().rss)}\n`);

const baseline = await measured("baseline: one aggregation pass", () => aggregate(log, nUsers, world.catalog.n, DEFAULT_AGGREGATE));
const bar = progressBar("train (in memory)");
const inMemory = await measured(`train in memory (${DEFAULT_TRAIN.knn.model}, k=${DEFAULT_TRAIN.knn.k}, all models)`, () =>
  trainModels(log, nUsers, world.catalog, { ...DEFAULT_TRAIN, onStage: (stage, d, t) => stage === "tracks" && bar.update(d, t) }),
);
bar.stop();
print(`  = ${(inMemory.seconds / baseline.seconds).toFixed(1)}× the baseline pass`);

if (!args["skip-db"]) {
  if (!process.env.DATABASE_URL) throw new Error("the database half needs DATABASE_URL (or pass --skip-db)");
  const database = await createTestDatabase("postgres");
  try {
    await insertSyntheticCatalog(database.db, world);
    const writeBar = progressBar("write recs.interactions");
    await measured("setup: write recs.interactions (not training)", () => insertSyntheticInteractions(database.db, log, (d, t) => writeBar.update(d, t)));
    writeBar.stop();
    const run = await measured("trainAndStore (read + train + replace tables)", () => trainAndStore(database.db));
    const s = run.value.seconds;
    print(
      `  read ${s.load.toFixed(1)} s + train ${s.train.toFixed(1)} s + store ${s.store.toFixed(1)} s; ${run.value.trackNeighbors} track neighbours, ${run.value.artistNeighbors} artist neighbours, ${run.value.popularTracks} popular rows`,
    );
    print(`  = ${(run.seconds / baseline.seconds).toFixed(1)}× the baseline pass`);
  } finally {
    await database.drop();
  }
}
print(`\nprocess max RSS (getrusage): ${mib(process.resourceUsage().maxRSS * 1024)}; targets ≤ 300 s and ≤ 4096 MiB`);
