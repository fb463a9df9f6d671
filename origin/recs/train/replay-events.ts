/**
 * The synthetic listening log (origin/recs/model/synthetic.ts) as the events
 * the edge really publishes: PlaybackStarted and PlaybackFinished per play and
 * TrackLiked after a liked one, built and validated by the shared event
 * catalogue (buildEvent) and written to events.outbox exactly as writeOutbox
 * writes them. The times and ids come from the log, never from the clock, so
 * the same log always yields the same events and the consumer the same rows:
 * what playSignals says a play produces.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { buildEvent, type BuiltEvent, type EventInput } from "../../../shared/events/build.ts";
import type { EventType } from "../../../shared/events/catalog.ts";
import { EARLY_SKIP_MS } from "../../../shared/recs/signals.ts";
import type { SyntheticWorld } from "../model/synthetic.ts";
import { listenerUuid, trackUuid } from "./synthetic-database.ts";

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");
/** Play p's event of `kind` (0 started, 1 finished, 2 liked): a v4-shaped uuid carrying both. */
export const replayEventUuid = (p: number, kind: 0 | 1 | 2): string => `${hex(Math.floor(p / 65536), 8)}-${hex(p % 65536, 4)}-4000-800${kind}-000000000000`;

/** Where a skip stops: well inside EARLY_SKIP_MS, as playSignals' skip row at start + 10 s. */
const skipPositionMs = 10_000;
const source = "/tunec/recs-replay";

/** The events of play p, in the order a client causes them. */
export function playEvents(world: SyntheticWorld, p: number): Array<EventInput<EventType>> {
  const { plays } = world;
  const userId = listenerUuid(plays.user[p] ?? 0);
  const trackId = trackUuid(plays.track[p] ?? 0);
  const start = plays.start[p] ?? 0;
  const duration = Math.round(world.durationMs[plays.track[p] ?? 0] ?? 180_000);
  const completed = plays.completed[p] === 1;
  const positionMs = completed ? duration : Math.min(skipPositionMs, EARLY_SKIP_MS - 1);
  const startedAt = new Date(start).toISOString();
  const finishedAt = new Date(start + positionMs).toISOString();
  const play = { playId: replayEventUuid(p, 0), userId, trackId, quality: "standard" as const, deviceId: "recs-replay", premium: false };
  const events: Array<EventInput<EventType>> = [
    { type: "tunec.playback.playback-started.v1", id: replayEventUuid(p, 0), source, time: startedAt, data: { ...play, startPositionMs: 0, startedAt } },
    {
      type: "tunec.playback.playback-finished.v1",
      id: replayEventUuid(p, 1),
      source,
      time: finishedAt,
      data: { ...play, positionMs, trackDurationMs: duration, completed, startedAt, finishedAt },
    },
  ];
  if (plays.liked[p]) {
    const likedAt = new Date(start + duration + 1).toISOString();
    events.push({ type: "tunec.users.track-liked.v1", id: replayEventUuid(p, 2), source, time: likedAt, data: { userId, trackId, likedAt } });
  }
  return events;
}

const outboxAttempts = 5;

/** Failures to get or keep a connection (pg-pool's timeout, a dropped socket): worth another try. */
function isConnectionError(error: unknown): boolean {
  return error instanceof Error && /connection|ECONNRESET|timeout/i.test(`${error.message} ${error.cause instanceof Error ? error.cause.message : ""}`);
}

export interface ReplayOutboxOptions {
  /** The topic each event goes to (a replay uses topics of its own: see through-backbone.ts). */
  topicOf: (topic: string) => string;
  /** Events per INSERT (one round trip). */
  chunk?: number;
  onProgress?: (plays: number, total: number) => void;
}

/**
 * Writes the events of the plays `keep` accepts to events.outbox, in play
 * order (listener-major, so each listener's events keep their order on the
 * log's per-key partitions). Returns the number of events written.
 */
export async function writeReplayOutbox(
  db: Kysely<Database>,
  world: SyntheticWorld,
  keep: (p: number) => boolean,
  options: ReplayOutboxOptions,
): Promise<number> {
  const chunk = options.chunk ?? 5_000;
  let pending: BuiltEvent[] = [];
  let written = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const insert = sql`insert into events.outbox (id, topic, key, type, event)
      select * from unnest(${pending.map((b) => b.event.id)}::uuid[], ${pending.map((b) => options.topicOf(b.topic))}::text[],
        ${pending.map((b) => b.key)}::text[], ${pending.map((b) => b.event.type)}::text[], ${pending.map((b) => JSON.stringify(b.event))}::jsonb[])`;
    // A full-size replay runs for an hour on a shared machine: a connection that cannot be had within the
    // pool's timeout is retried rather than ending the run. The insert is one statement, so a failed one wrote nothing.
    for (let attempt = 1; ; attempt++) {
      try {
        await insert.execute(db);
        break;
      } catch (error) {
        if (attempt >= outboxAttempts || !isConnectionError(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000 * attempt));
      }
    }
    written += pending.length;
    pending = [];
  };
  const total = world.plays.length;
  for (let p = 0; p < total; p++) {
    if (!keep(p)) continue;
    for (const input of playEvents(world, p)) pending.push(buildEvent(input));
    if (pending.length >= chunk) {
      await flush();
      options.onProgress?.(p + 1, total);
    }
  }
  await flush();
  options.onProgress?.(total, total);
  return written;
}
