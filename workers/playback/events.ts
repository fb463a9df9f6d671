/**
 * PlaybackStarted / PlaybackFinished through the outbox, each with an id
 * derived from the play, so a retried request never adds a second event.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { writeOutboxOnce } from "../../shared/events/outbox.ts";
import { playEventId } from "./play-ids.ts";
import type { PlayRecord } from "./stream-lease.ts";

const source = "/tunec/playback";

/** Played to the end, give or take the last 5 % or 10 s (players stop a little short). */
export function isCompleted(positionMs: number, durationMs: number): boolean {
  return positionMs >= durationMs - Math.min(10_000, durationMs * 0.05);
}

function common(userId: string, play: PlayRecord) {
  return {
    playId: play.playId,
    userId,
    trackId: play.trackId,
    quality: play.quality,
    deviceId: play.sessionId,
    premium: play.premium,
  };
}

/** Returns false when this play's event was already written. */
export async function recordPlaybackStarted(db: Kysely<Database>, userId: string, play: PlayRecord, traceparent: string): Promise<boolean> {
  return writeOutboxOnce(db, {
    type: "tunec.playback.playback-started.v1",
    id: await playEventId(userId, play.playId, "started"),
    source,
    traceparent,
    time: new Date(play.startedAt),
    data: { ...common(userId, play), startPositionMs: 0, startedAt: new Date(play.startedAt).toISOString() },
  });
}

export async function recordPlaybackFinished(db: Kysely<Database>, userId: string, play: PlayRecord, traceparent: string): Promise<boolean> {
  const positionMs = play.positionMs ?? 0;
  const finishedAt = new Date(play.finishedAt ?? Date.now());
  return writeOutboxOnce(db, {
    type: "tunec.playback.playback-finished.v1",
    id: await playEventId(userId, play.playId, "finished"),
    source,
    traceparent,
    time: finishedAt,
    data: {
      ...common(userId, play),
      positionMs,
      trackDurationMs: play.durationMs,
      completed: isCompleted(positionMs, play.durationMs),
      startedAt: new Date(play.startedAt).toISOString(),
      finishedAt: finishedAt.toISOString(),
    },
  });
}
