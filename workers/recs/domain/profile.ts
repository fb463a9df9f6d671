/**
 * A listener's profile for the wave: recent signals summed per track (newer
 * ones count more), the onboarding taste, hidden tracks, and the current
 * session's served tracks and live feedback.
 */
import { type RawBuilder, sql } from "kysely";
import { SIGNAL_WEIGHTS } from "../../../shared/recs/signals.ts";

/** Signals read per request: enough for a taste, bounded so a heavy listener costs the same. */
export const recentSignals = 300;
/** A signal a week old weighs half a fresh one. */
export const halfLifeDays = 7;
/** A wave session ends after this long without a wave request or feedback. */
export const sessionIdleMinutes = 30;

/**
 * The session upsert as CTEs for one-statement routes: `previous` (the old
 * session id), `touched` (the current one: a new id after `sessionIdleMinutes`
 * idle) and `dropped` (the old session's served rows, once it rolled over).
 * `onlyIf`: a condition on the statement's other CTEs; without it the session
 * is always touched. One statement decides it, so two concurrent requests
 * agree on the session.
 */
export function sessionUpsertCtes(accountId: string, onlyIf: RawBuilder<unknown> = sql`true`): RawBuilder<unknown> {
  return sql`previous as (select session_id from recs.wave_sessions where account_id = ${accountId}),
    touched as (
      insert into recs.wave_sessions as s (account_id, session_id, last_seen_at)
      select ${accountId}, gen_random_uuid(), now() where ${onlyIf}
      on conflict (account_id) do update set
        session_id = case when s.last_seen_at < now() - make_interval(mins => ${sessionIdleMinutes}) then excluded.session_id else s.session_id end,
        last_seen_at = now()
      returning s.session_id),
    dropped as (
      delete from recs.wave_served w using previous p, touched t where w.session_id = p.session_id and p.session_id <> t.session_id)`;
}

export type Feedback = "like" | "dislike" | "skip";

export interface SessionState {
  sessionId: string;
  /** Every track served in this session, with the listener's reaction to it. */
  served: Array<{ trackId: string; artistId: string; feedback: Feedback | null }>;
}

export interface Taste {
  artistIds: string[];
  genres: string[];
  allowExplicit: boolean;
}

export interface Profile {
  /** Decayed signal sum per track; positive = liked, negative = rejected. */
  trackScores: Map<string, number>;
  /** Tracks with an explicit like (the reason says "liked" rather than "listened"). */
  liked: Set<string>;
  hidden: Set<string>;
  taste: Taste;
}

/** The weight a live feedback gets in the profile (same table of weights as the trainer's). */
export function feedbackWeight(feedback: Feedback): number {
  return feedback === "like" ? SIGNAL_WEIGHTS.wave_like : feedback === "dislike" ? SIGNAL_WEIGHTS.wave_dislike : SIGNAL_WEIGHTS.wave_skip;
}
