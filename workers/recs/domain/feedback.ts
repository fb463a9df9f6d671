/**
 * POST /me/wave/feedback. One transaction records the reaction on the
 * session's served row, hides a disliked track, and appends the signal to
 * recs.interactions — only when the reaction changed, so a retried request
 * (or a double tap) counts once. The interaction is written here rather than
 * through an event because the edge already holds the transaction and the
 * session row is the idempotency key; the trainer reads the same table.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { SIGNAL_WEIGHTS } from "../../../shared/recs/signals.ts";
import type { Feedback } from "./profile.ts";
import { touchSession } from "./profile.ts";

export type FeedbackOutcome = "recorded" | "unchanged" | "no_track";

export async function recordFeedback(db: Kysely<Database>, accountId: string, trackId: string, action: Feedback): Promise<FeedbackOutcome> {
  const track = await db.selectFrom("catalog.tracks").select("artist_id").where("id", "=", trackId).where("status", "=", "published").executeTakeFirst();
  if (!track) return "no_track";
  const sessionId = await touchSession(db, accountId);
  return db.transaction().execute(async (trx) => {
    const changed = await trx
      .insertInto("recs.wave_served")
      .values({ session_id: sessionId, track_id: trackId, artist_id: track.artist_id, feedback: action })
      .onConflict((oc) =>
        oc.columns(["session_id", "track_id"]).doUpdateSet({ feedback: action }).where("recs.wave_served.feedback", "is distinct from", action),
      )
      .returning("track_id")
      .executeTakeFirst();
    if (!changed) return "unchanged";
    if (action === "dislike") {
      await trx
        .insertInto("recs.hidden_tracks")
        .values({ account_id: accountId, track_id: trackId })
        .onConflict((oc) => oc.columns(["account_id", "track_id"]).doNothing())
        .execute();
    }
    const signal = action === "like" ? "wave_like" : action === "dislike" ? "wave_dislike" : "wave_skip";
    await trx
      .insertInto("recs.interactions")
      .values({ event_id: crypto.randomUUID(), account_id: accountId, track_id: trackId, signal, weight: SIGNAL_WEIGHTS[signal], occurred_at: new Date() })
      .execute();
    return "recorded";
  });
}
