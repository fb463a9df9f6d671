/**
 * `npm run recs:eval`: the offline evaluation of issue 12. Generates a seeded
 * listening log with known structure (origin/recs/model/synthetic.ts), holds
 * out each listener's last plays, trains every model on the rest and prints
 * Recall@N, NDCG@N, catalogue coverage and novelty for the baselines and the
 * models. `--through-db` also writes the training log into recs.interactions
 * of a fresh database, trains there with trainAndStore, reads the stored
 * neighbours back and evaluates them: the figures must equal the in-memory ones.
 *
 *   npm run recs:eval -- [--listeners 20000] [--tracks 50000] [--plays 2000000] [--seed 42]
 *                        [--holdout 5] [--eval-users 20000] [--through-db]
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { runEvaluation } from "../origin/recs/train/evaluation.ts";

const { values } = parseArgs({
  options: {
    listeners: { type: "string", default: "20000" },
    tracks: { type: "string", default: "50000" },
    plays: { type: "string", default: "2000000" },
    genres: { type: "string", default: "24" },
    seed: { type: "string", default: "42" },
    holdout: { type: "string", default: "5" },
    "eval-users": { type: "string", default: "20000" },
    n: { type: "string", default: "20" },
    "through-db": { type: "boolean", default: false },
  },
});
const count = (max: number) => z.coerce.number().int().min(1).max(max);
const args = z
  .object({
    listeners: count(1_000_000),
    tracks: count(2_000_000),
    plays: count(50_000_000),
    genres: count(1000),
    seed: z.coerce.number().int(),
    holdout: count(1000),
    "eval-users": count(1_000_000),
    n: count(1000),
    "through-db": z.boolean(),
  })
  .parse(values);

if (args["through-db"] && !process.env.DATABASE_URL)
  throw new Error("--through-db needs DATABASE_URL (a server on which a fresh database is created and dropped)");

await runEvaluation({
  world: { listeners: args.listeners, tracks: args.tracks, plays: args.plays, genres: args.genres, seed: args.seed },
  holdout: args.holdout,
  evalUsers: args["eval-users"],
  n: args.n,
  throughDatabase: args["through-db"],
  print: (line) => process.stdout.write(`${line}\n`),
});
