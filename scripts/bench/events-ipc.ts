/** What bench:events and its consumer process (events-consumer.ts) share: their messages and the consumer itself. */
import { sql } from "kysely";
import { z } from "zod";
import type { ConsumerOptions } from "../../origin/events/consumer.ts";

export const benchEventType = "tunec.playback.playback-started.v1" as const;

/** Parent → consumer process. */
export const consumerMessageSchema = z.object({ kind: z.literal("stop") });

/** Consumer process → parent; `at` is wall time in epoch milliseconds (performance.timeOrigin + now()). */
export const parentMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready") }),
  z.object({ kind: z.literal("handled"), ids: z.array(z.string()), at: z.number() }),
]);

/**
 * The bench's consumer in either layout: the framework (inbox, retries) with a real
 * effect in the inbox's transaction, one statement per fetched run as the
 * high-volume consumers do (see docs/benchmarks-origin.md); `handled` hears each run's ids.
 */
export function benchConsumerOptions(base: Pick<ConsumerOptions, "log" | "db" | "group" | "logger">, handled: (ids: string[]) => void): ConsumerOptions {
  return {
    ...base,
    topics: ["tunec.playback"],
    from: "latest",
    retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 1_000 },
    lagIntervalMs: 0,
    handlers: {},
    batchHandlers: {
      [benchEventType]: async (events, trx) => {
        await sql`select unnest(${events.map((event) => event.data.playId)}::uuid[])`.execute(trx);
        handled(events.map((event) => event.id));
      },
    },
  };
}
