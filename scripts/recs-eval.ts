/**
 * `npm run recs:eval`: the offline evaluation of issue 12. Generates a seeded
 * listening log with known structure (origin/recs/model/synthetic.ts), holds
 * out each listener's last plays, trains every model on the rest and prints
 * Recall@N, NDCG@N, catalogue coverage and novelty for the baselines and the
 * models. `--through-db` also writes the training log into recs.interactions
 * of a fresh database, trains there with trainAndStore, reads the stored
 * neighbours back and evaluates them: the figures must equal the in-memory ones.
 * `--through-kafka` (Apache Kafka at KAFKA_BROKERS) and `--through-log` (the
 * PostgreSQL log) replay the log's plays as PlaybackStarted/Finished and
 * TrackLiked events: outbox → CDC → log → the recs consumer → recs.interactions,
 * then train and evaluate the same way (origin/recs/train/through-backbone.ts).
 *
 *   npm run recs:eval -- [--listeners 20000] [--tracks 50000] [--plays 2000000] [--seed 42]
 *                        [--holdout 5] [--eval-users 20000] [--through-db]
 *                        [--through-kafka] [--through-log] [--served-only]
 *
 * `--served-only` trains only the served variant (baselines and it): enough
 * for the replays, which compare against it, without five more trainings.
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
    "through-kafka": { type: "boolean", default: false },
    "through-log": { type: "boolean", default: false },
    "served-only": { type: "boolean", default: false },
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
    "through-kafka": z.boolean(),
    "through-log": z.boolean(),
    "served-only": z.boolean(),
  })
  .parse(values);

if ((args["through-db"] || args["through-kafka"] || args["through-log"]) && !process.env.DATABASE_URL)
  throw new Error("--through-db, --through-kafka and --through-log need DATABASE_URL (a server on which a fresh database is created and dropped)");
if (args["through-kafka"] && !process.env.KAFKA_BROKERS) throw new Error("--through-kafka needs KAFKA_BROKERS (host:port,…)");

await runEvaluation({
  world: { listeners: args.listeners, tracks: args.tracks, plays: args.plays, genres: args.genres, seed: args.seed },
  holdout: args.holdout,
  evalUsers: args["eval-users"],
  n: args.n,
  throughDatabase: args["through-db"],
  servedOnly: args["served-only"],
  throughBackbone: [...(args["through-log"] ? (["postgres"] as const) : []), ...(args["through-kafka"] ? (["kafka"] as const) : [])],
  print: (line) => process.stdout.write(`${line}\n`),
});
