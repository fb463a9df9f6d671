/** What bench:events and its consumer process (events-consumer.ts) say to each other. */
import { z } from "zod";

export const benchEventType = "tunec.playback.playback-started.v1" as const;

/** Parent → consumer process. */
export const consumerMessageSchema = z.object({ kind: z.literal("stop") });

/** Consumer process → parent; `at` is wall time in epoch milliseconds (performance.timeOrigin + now()). */
export const parentMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready") }),
  z.object({ kind: z.literal("handled"), ids: z.array(z.string()), at: z.number() }),
]);
