/**
 * Playback, likes and playlist adds → recs.interactions, the implicit-feedback
 * log the trainer reads (issue 12). The consumer framework runs each handler
 * inside the transaction that records the event in the inbox, so a redelivered
 * event is skipped; the (event_id, track_id) key makes even a second pass of
 * the same event a no-op. Rows are facts about one event each — nothing is
 * updated in place — so the log comes out the same in any delivery order: an
 * unlike delivered before its like still sums to zero.
 */
import type { Transaction } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { EventHandlers } from "../../events/consumer.ts";
import type { TunecEvent } from "../../../shared/events/catalog.ts";
import type { Logger } from "../../../shared/logger.ts";
import { EARLY_SKIP_MS, type RecsSignal, SIGNAL_WEIGHTS } from "../../../shared/recs/signals.ts";

export const recsGroup = "recs";
export const recsTopics = ["tunec.playback", "tunec.users"];

interface Signal {
  eventId: string;
  accountId: string;
  trackId: string;
  signal: RecsSignal;
  occurredAt: string;
}

/** Inserts the signals; returns how many were new. */
export async function recordSignals(trx: Transaction<Database>, signals: readonly Signal[]): Promise<number> {
  if (signals.length === 0) return 0;
  const inserted = await trx
    .insertInto("recs.interactions")
    .values(
      signals.map((s) => ({
        event_id: s.eventId,
        account_id: s.accountId,
        track_id: s.trackId,
        signal: s.signal,
        weight: SIGNAL_WEIGHTS[s.signal],
        occurred_at: s.occurredAt,
      })),
    )
    .onConflict((oc) => oc.columns(["event_id", "track_id"]).doNothing())
    .returning("track_id")
    .execute();
  return inserted.length;
}

type Context = { logger: Logger };

async function record(trx: Transaction<Database>, signals: Signal[], context: Context): Promise<void> {
  const added = await recordSignals(trx, signals);
  const [first] = signals;
  if (first)
    context.logger.debug(added > 0 ? "signal recorded" : "signal already recorded", { signal: first.signal, account_id: first.accountId, rows: added });
}

export async function applyPlaybackStarted(
  event: TunecEvent<"tunec.playback.playback-started.v1">,
  trx: Transaction<Database>,
  context: Context,
): Promise<void> {
  const { userId, trackId, startedAt } = event.data;
  await record(trx, [{ eventId: event.id, accountId: userId, trackId, signal: "play", occurredAt: startedAt }], context);
}

/** Completed → 'complete'; stopped before EARLY_SKIP_MS → 'skip'; in between says nothing either way. */
export function finishedSignal(data: { completed: boolean; positionMs: number }): RecsSignal | undefined {
  if (data.completed) return "complete";
  return data.positionMs < EARLY_SKIP_MS ? "skip" : undefined;
}

export async function applyPlaybackFinished(
  event: TunecEvent<"tunec.playback.playback-finished.v1">,
  trx: Transaction<Database>,
  context: Context,
): Promise<void> {
  const signal = finishedSignal(event.data);
  if (!signal) return;
  await record(trx, [{ eventId: event.id, accountId: event.data.userId, trackId: event.data.trackId, signal, occurredAt: event.data.finishedAt }], context);
}

export async function applyTrackLiked(event: TunecEvent<"tunec.users.track-liked.v1">, trx: Transaction<Database>, context: Context): Promise<void> {
  await record(
    trx,
    [{ eventId: event.id, accountId: event.data.userId, trackId: event.data.trackId, signal: "like", occurredAt: event.data.likedAt }],
    context,
  );
}

export async function applyTrackUnliked(event: TunecEvent<"tunec.users.track-unliked.v1">, trx: Transaction<Database>, context: Context): Promise<void> {
  await record(
    trx,
    [{ eventId: event.id, accountId: event.data.userId, trackId: event.data.trackId, signal: "unlike", occurredAt: event.data.unlikedAt }],
    context,
  );
}

export async function applyPlaylistTrackAdded(
  event: TunecEvent<"tunec.users.playlist-track-added.v1">,
  trx: Transaction<Database>,
  context: Context,
): Promise<void> {
  const { userId, trackIds, addedAt } = event.data;
  // One row per distinct track: the same track twice in one add is one signal (the key is event + track).
  const distinct = [...new Set(trackIds)];
  await record(
    trx,
    distinct.map((trackId) => ({ eventId: event.id, accountId: userId, trackId, signal: "playlist_add" as const, occurredAt: addedAt })),
    context,
  );
}

/** The recs consumer's handlers: the origin service and the replay of `recs:eval --through-kafka` run this one map. */
export const recsHandlers: EventHandlers = {
  "tunec.playback.playback-started.v1": applyPlaybackStarted,
  "tunec.playback.playback-finished.v1": applyPlaybackFinished,
  "tunec.users.track-liked.v1": applyTrackLiked,
  "tunec.users.track-unliked.v1": applyTrackUnliked,
  "tunec.users.playlist-track-added.v1": applyPlaylistTrackAdded,
};
