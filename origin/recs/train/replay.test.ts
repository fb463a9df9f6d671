/**
 * The replay equivalence of issue 12 at small scale: the served model's
 * figures in memory, through recs.interactions written directly, and through
 * the real backbone (outbox → CDC → the PostgreSQL log or Kafka → the recs
 * consumer) are identical. Kafka runs when a broker is available, as the other
 * Kafka suites; the database paths need DATABASE_URL.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../shared/logger.ts";
import { finishedSignal } from "../consumer/signals.ts";
import { acquireKafkaBroker } from "../../events/testing/kafka-broker.ts";
import { evaluationUsers, holdOutLastPlays } from "../model/evaluate.ts";
import { generateWorld, logOfPlays, playSignals } from "../model/synthetic.ts";
import { DEFAULT_TRAIN, trainModels } from "../model/train.ts";
import { measure } from "./measure.ts";
import { playEvents } from "./replay-events.ts";
import { evaluateThroughBackbone } from "./through-backbone.ts";
import { evaluateThroughDatabase, type ThroughDatabaseInput } from "./through-database.ts";
import { buildEvent } from "../../../shared/events/build.ts";

const world = generateWorld({ listeners: 200, tracks: 600, plays: 8_000, genres: 6, seed: 11, start: Date.UTC(2026, 5, 1), days: 60 });
const holdOut = holdOutLastPlays(world, 3);
const keep = (p: number): boolean => holdOut.isTraining[p] === 1;
const log = logOfPlays(world, keep);
const users = evaluationUsers(holdOut, 200);
const n = 20;
const quiet = createLogger({ test: "recs-replay" }, "error");
const input: ThroughDatabaseInput = { world, log, holdOut, users, n, keep, print: (line) => quiet.debug(line) };

describe("replayed plays as events", () => {
  it("give, through the consumer's own mapping, exactly the rows playSignals says a play produces", () => {
    for (let p = 0; p < world.plays.length; p += 7) {
      const rows = playEvents(world, p).map((input) => {
        const { event } = buildEvent(input);
        switch (event.type) {
          case "tunec.playback.playback-started.v1":
            return { signal: "play", at: Date.parse(event.data.startedAt) };
          case "tunec.playback.playback-finished.v1":
            return { signal: finishedSignal(event.data), at: Date.parse(event.data.finishedAt) };
          case "tunec.users.track-liked.v1":
            return { signal: "like", at: Date.parse(event.data.likedAt) };
          default:
            return { signal: event.type, at: 0 };
        }
      });
      expect(rows).toEqual(playSignals(world, p));
    }
  });
});

const broker = process.env.DATABASE_URL ? await acquireKafkaBroker() : null;
afterAll(async () => {
  await broker?.release();
});

describe.skipIf(!process.env.DATABASE_URL)("the served model's figures, 200 listeners", () => {
  const models = trainModels(log, world.plays.offsets.length - 1, world.catalog, DEFAULT_TRAIN);
  const inMemory = measure(world, holdOut, models, models.tracks, users, n, models.popular);

  it("are not trivial in memory", () => {
    expect(users.length).toBeGreaterThan(100);
    expect(inMemory.recall).toBeGreaterThan(0.05);
  });

  it("are identical through recs.interactions written directly", async () => {
    expect((await evaluateThroughDatabase(input)).metrics).toEqual(inMemory);
  }, 120_000);

  it("are identical through outbox → CDC → the PostgreSQL log → the recs consumer", async () => {
    expect((await evaluateThroughBackbone(input, "postgres")).metrics).toEqual(inMemory);
  }, 300_000);

  it.skipIf(!broker)(
    "are identical through outbox → CDC → Kafka → the recs consumer",
    async () => {
      expect((await evaluateThroughBackbone(input, "kafka", broker?.brokers)).metrics).toEqual(inMemory);
    },
    300_000,
  );
});
