/**
 * PlaybackStarted / PlaybackFinished of a play, built with ids derived from
 * the play (`play-ids.ts`). The Session DO records them in its own storage in
 * the same step as the play itself (its outbox) and relays them to
 * `events.outbox`, where a repeated id is a no-op.
 */
import { buildEvent, type BuiltEvent } from "../../shared/events/build.ts";
import type { PlayEventContext, PlayRecord } from "./stream-lease.ts";

const source = "/tunec/playback";

/** Played to the end, give or take the last 5 % or 10 s (players stop a little short). */
export function isCompleted(positionMs: number, durationMs: number): boolean {
  return positionMs >= durationMs - Math.min(10_000, durationMs * 0.05);
}

function common(userId: string, play: PlayRecord) {
  return { playId: play.playId, userId, trackId: play.trackId, quality: play.quality, deviceId: play.sessionId, premium: play.premium };
}

export function playbackStartedEvent(context: PlayEventContext, play: PlayRecord): BuiltEvent {
  const startedAt = new Date(play.startedAt);
  return buildEvent({
    type: "tunec.playback.playback-started.v1",
    id: context.startedEventId,
    source,
    traceparent: context.traceparent,
    time: startedAt,
    data: { ...common(context.userId, play), startPositionMs: 0, startedAt: startedAt.toISOString() },
  });
}

export function playbackFinishedEvent(context: PlayEventContext, play: PlayRecord): BuiltEvent {
  const positionMs = play.positionMs ?? 0;
  const finishedAt = new Date(play.finishedAt ?? play.startedAt);
  return buildEvent({
    type: "tunec.playback.playback-finished.v1",
    id: context.finishedEventId,
    source,
    traceparent: context.traceparent,
    time: finishedAt,
    data: {
      ...common(context.userId, play),
      positionMs,
      trackDurationMs: play.durationMs,
      completed: isCompleted(positionMs, play.durationMs),
      startedAt: new Date(play.startedAt).toISOString(),
      finishedAt: finishedAt.toISOString(),
    },
  });
}
