/**
 * The account's one stream lease and its recent plays, in the Session DO's
 * SQLite storage (./storage-schema.md). Plain functions over `SqlStorage`
 * with no await inside, so each call — the play and its queued event
 * included — is atomic within the object.
 */
import { playbackFinishedEvent, playbackStartedEvent } from "../../workers/playback/events.ts";
import type { FinishPlayResult, PlayEventContext, PlayRecord, StartStreamInput, StartStreamResult } from "../../workers/playback/stream-lease.ts";
import { enqueueEvent } from "./event-relay.ts";

/** How long a play can still be finished (and a retried start recognised). */
export const playRetentionMs = 24 * 3600_000;

interface LeaseRow extends Record<string, SqlStorageValue> {
  lease_id: string;
  session_id: string;
}

interface PlayRow extends Record<string, SqlStorageValue> {
  play_id: string;
  session_id: string;
  track_id: string;
  quality: string;
  premium: number;
  duration_ms: number;
  started_at: number;
  finished_at: number | null;
  position_ms: number | null;
}

function toPlay(row: PlayRow): PlayRecord {
  return {
    playId: row.play_id,
    sessionId: row.session_id,
    trackId: row.track_id,
    quality: row.quality === "high" ? "high" : "standard",
    premium: row.premium === 1,
    durationMs: row.duration_ms,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    positionMs: row.position_ms,
  };
}

function findPlay(sql: SqlStorage, playId: string): PlayRow | undefined {
  return sql.exec<PlayRow>("select * from plays where play_id = ?", playId).toArray()[0];
}

/** Returns the play's expiry when one was recorded (the caller schedules cleanup). */
export function startStream(sql: SqlStorage, input: StartStreamInput, now = Date.now()): { result: StartStreamResult; expiresAt: number | null } {
  const existing = findPlay(sql, input.playId);
  if (existing && (existing.track_id !== input.trackId || existing.quality !== input.quality)) {
    return { result: { ok: false, reason: "play-conflict" }, expiresAt: null };
  }
  const lease = sql.exec<LeaseRow>("select lease_id, session_id from stream_lease where slot = 1").toArray()[0];
  const kept = lease !== undefined && lease.session_id === input.sessionId;
  // Another device (or none) held the stream: a new lease id invalidates every URL issued under the old one.
  const leaseId = kept ? lease.lease_id : crypto.randomUUID();
  const takenOverFrom = kept ? null : (lease?.session_id ?? null);
  if (!kept) {
    sql.exec(
      "insert into stream_lease (slot, lease_id, session_id, acquired_at) values (1, ?, ?, ?) on conflict (slot) do update set lease_id = excluded.lease_id, session_id = excluded.session_id, acquired_at = excluded.acquired_at",
      leaseId,
      input.sessionId,
      now,
    );
  }
  if (existing) return { result: { ok: true, leaseId, play: toPlay(existing), created: false, takenOverFrom }, expiresAt: null };
  const expiresAt = now + playRetentionMs;
  sql.exec(
    "insert into plays (play_id, session_id, track_id, quality, premium, duration_ms, started_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
    input.playId,
    input.sessionId,
    input.trackId,
    input.quality,
    input.premium ? 1 : 0,
    input.durationMs,
    now,
    expiresAt,
  );
  // The row just written, without reading it back.
  const play: PlayRecord = {
    playId: input.playId,
    sessionId: input.sessionId,
    trackId: input.trackId,
    quality: input.quality,
    premium: input.premium,
    durationMs: input.durationMs,
    startedAt: now,
    finishedAt: null,
    positionMs: null,
  };
  enqueueEvent(sql, playbackStartedEvent(input.events, play), now);
  return { result: { ok: true, leaseId, play, created: true, takenOverFrom }, expiresAt };
}

export function isStreamLeaseActive(sql: SqlStorage, leaseId: string): boolean {
  return sql.exec("select 1 from stream_lease where slot = 1 and lease_id = ?", leaseId).toArray().length > 0;
}

export function finishPlay(sql: SqlStorage, playId: string, reportedMs: number, events: PlayEventContext, now = Date.now()): FinishPlayResult {
  const row = findPlay(sql, playId);
  if (!row) return { ok: false, reason: "unknown-play" };
  if (row.finished_at !== null) return { ok: true, play: toPlay(row), firstFinish: false };
  // Clamped rather than refused: players report a little past the end.
  const positionMs = Math.min(reportedMs, row.duration_ms);
  sql.exec("update plays set finished_at = ?, position_ms = ? where play_id = ?", now, positionMs, playId);
  const play = { ...toPlay(row), finishedAt: now, positionMs };
  enqueueEvent(sql, playbackFinishedEvent(events, play), now);
  return { ok: true, play, firstFinish: true };
}

export function deleteExpiredPlays(sql: SqlStorage, now: number): void {
  sql.exec("delete from plays where expires_at <= ?", now);
}

export function nextPlayExpiry(sql: SqlStorage): number | null {
  return sql.exec<{ at: number | null }>("select min(expires_at) as at from plays").one().at;
}
