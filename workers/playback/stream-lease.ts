/**
 * The port between playback and the per-user Session Durable Object
 * (durable-objects/session): the account's one stream lease, its recent plays
 * and their events. One object per user serialises every call, so two devices
 * starting at once cannot both hold the lease, and a play and its event are
 * stored in one step (the object's own outbox, relayed to `events.outbox`).
 */

export type StreamQuality = "standard" | "high";

/** Who and what caused the events of a play: the listener, the request's trace, the precomputed ids. */
export interface PlayEventContext {
  userId: string;
  traceparent: string | null;
  startedEventId: string;
  finishedEventId: string;
}

export interface PlayRecord {
  playId: string;
  /** The session (access token `sid`, one per signed-in device) that started the play. */
  sessionId: string;
  trackId: string;
  quality: StreamQuality;
  premium: boolean;
  durationMs: number;
  /** Epoch ms. */
  startedAt: number;
  finishedAt: number | null;
  positionMs: number | null;
}

export interface StartStreamInput {
  /** Listener, trace and event ids of this play (play-ids.ts playEventContext). */
  events: PlayEventContext;
  sessionId: string;
  playId: string;
  trackId: string;
  quality: StreamQuality;
  premium: boolean;
  durationMs: number;
}

export type StartStreamResult =
  | {
      ok: true;
      leaseId: string;
      play: PlayRecord;
      /** False when the play id was already started (a client retry): no second PlaybackStarted. True: the event is queued. */
      created: boolean;
      /** The session that held the stream until now, when this call took it over. */
      takenOverFrom: string | null;
    }
  /** The play id is already used for another track or quality. */
  | { ok: false; reason: "play-conflict" };

export type FinishPlayResult = { ok: true; play: PlayRecord; firstFinish: boolean } | { ok: false; reason: "unknown-play" };

export interface StreamLeaseStore {
  /** Takes (or keeps) the account's stream lease for `sessionId` and records the play once. */
  startStream(input: StartStreamInput): Promise<StartStreamResult>;
  /** Whether `leaseId` is still the account's current lease. */
  isStreamLeaseActive(leaseId: string): Promise<boolean>;
  /**
   * Marks a play finished at `positionMs`, clamped to the track's length, and
   * queues PlaybackFinished; the first report wins, later ones return it unchanged.
   */
  finishPlay(playId: string, positionMs: number, events: PlayEventContext): Promise<FinishPlayResult>;
}

export interface StreamLeaseDirectory {
  forUser(userId: string): StreamLeaseStore;
}
