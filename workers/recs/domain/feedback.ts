/**
 * POST /me/wave/feedback. One transaction records the reaction on the
 * session's served row, hides a disliked track, and appends the signal to
 * recs.interactions — only when the reaction changed, so a retried request
 * (or a double tap) counts once. The interaction is written here rather than
 * through an event because the edge already holds the transaction and the
 * session row is the idempotency key; the trainer reads the same table.
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { SIGNAL_WEIGHTS } from "../../../shared/recs/signals.ts";
import { type Feedback, sessionUpsertCtes } from "./profile.ts";

export type FeedbackOutcome = "recorded" | "unchanged" | "no_track";

/**
 * One statement, so one round trip and atomic without BEGIN/COMMIT: the track
 * check, the session upsert (sessionUpsertCtes), the served row's reaction, and —
 * only when the reaction changed — the hidden row and the interaction.
 */
export async function recordFeedback(db: Kysely<Database>, accountId: string, trackId: string, action: Feedback): Promise<FeedbackOutcome> {
  const signal = action === "like" ? "wave_like" : action === "dislike" ? "wave_dislike" : "wave_skip";
  const result = await sql<{ found: boolean; changed: boolean }>`
    with track as (select artist_id from catalog.tracks where id = ${trackId} and status = 'published'),
    ${sessionUpsertCtes(accountId, sql`exists (select 1 from track)`)},
    changed as (
      insert into recs.wave_served as w (session_id, track_id, artist_id, feedback)
      select t.session_id, ${trackId}, track.artist_id, ${action} from touched t, track
      on conflict (session_id, track_id) do update set feedback = excluded.feedback where w.feedback is distinct from excluded.feedback
      returning w.track_id),
    hidden as (
      insert into recs.hidden_tracks (account_id, track_id)
      select ${accountId}, track_id from changed where ${action} = 'dislike'
      on conflict (account_id, track_id) do nothing),
    signal as (
      insert into recs.interactions (event_id, account_id, track_id, signal, weight, occurred_at)
      select ${crypto.randomUUID()}, ${accountId}, track_id, ${signal}, ${SIGNAL_WEIGHTS[signal]}, now() from changed)
    select exists (select 1 from track) as found, exists (select 1 from changed) as changed`.execute(db);
  const row = result.rows[0];
  if (!row?.found) return "no_track";
  return row.changed ? "recorded" : "unchanged";
}
