import { deadLetterTopic, topicNames, topicSpecs } from "../../shared/events/topics.ts";
import { createEventLog } from "../events/event-log-factory.ts";
import type { OriginContext, OriginService, RunningService } from "../service.ts";
import { archiveDeadLetters, publishReplays } from "./dead-letters.ts";
import { startPeriodic } from "../periodic.ts";

export const deadLetterGroup = "dead-letter-archive";

export interface DeadLettersServiceOptions {
  /** How often requested replays are looked for; default 2 s. */
  replayIntervalMs?: number;
  /** The `.dlq` topics to copy; default those of every catalogued topic. */
  topics?: readonly string[];
}

/**
 * `--service dead-letters`: copies every `<topic>.dlq` record into
 * events.dead_letters (GET /admin/dead-letters reads it) and publishes the
 * replays admins ask for to the original topics.
 */
export function createDeadLettersService(options: DeadLettersServiceOptions = {}): OriginService {
  const originals = options.topics ?? topicNames;
  return {
    name: "dead-letters",
    description: "dead letters: copies <topic>.dlq records into events.dead_letters for the admin console, publishes requested replays",
    async start({ config, db, log }: OriginContext): Promise<RunningService> {
      const backbone = createEventLog(config, db, log);
      try {
        await backbone.log.ensureTopics(topicSpecs(originals));
        const consumer = await backbone.log.consume({
          group: deadLetterGroup,
          topics: originals.map(deadLetterTopic),
          from: "earliest",
          // Raw records, not events: a dead letter may be anything (invalid JSON included).
          handle: (records) => archiveDeadLetters(db, records),
        });
        const loop = startPeriodic(
          options.replayIntervalMs ?? 2_000,
          log,
          "dead-letter replay pass failed",
          async () => {
            await publishReplays(db, backbone.log, log);
            // A replay request is an update of events.dead_letters (by the Worker's admin API).
          },
          { db, wakeOn: ["events.dead_letters"] },
        );
        return {
          async stop() {
            await loop.stop();
            await consumer.stop();
            await backbone.log.close();
          },
        };
      } catch (error) {
        await backbone.log.close();
        throw error;
      }
    },
  };
}

export const deadLettersService = createDeadLettersService();
