/**
 * Everything a wave request knows about the listener, in ONE statement (one
 * round trip from the Worker, whose single connection would run separate
 * queries one after the other anyway): the session upsert (and the old
 * session's served rows dropped when it rolled over), the decayed signal sum
 * per recent track, hidden tracks, the onboarding taste, this session's served
 * tracks with their feedback, and the catalog rows of the profile's tracks
 * (published only) that the seeds need. The profile rules (profile.ts's
 * constants) are also those of the mixes' state statement (mixes.ts).
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { TrackMeta } from "./candidates.ts";
import { type Feedback, halfLifeDays, type Profile, recentSignals, type SessionState, sessionUpsertCtes } from "./profile.ts";

export interface WaveState {
  profile: Profile;
  session: SessionState;
  /** Published profile and session-liked tracks. */
  meta: Map<string, TrackMeta>;
}

interface StateRow {
  session_id: string;
  scores: Array<{ id: string; score: number; liked: boolean }>;
  hidden: string[];
  taste: { artist_ids: string[]; genres: string[]; allow_explicit: boolean } | null;
  served: Array<{ track_id: string; artist_id: string; feedback: Feedback | null }>;
  meta: Array<{ id: string; title: string; artist_id: string; artist_name: string; explicit: boolean; genres: string[]; language: string | null }>;
}

export async function loadWaveState(db: Kysely<Database>, accountId: string): Promise<WaveState> {
  // Data-modifying CTEs all see the snapshot from before the statement: `served`
  // reads the current session's rows, and a new session id has none.
  const result = await sql<StateRow>`
    with ${sessionUpsertCtes(accountId)},
    recent as (
      select track_id, signal, weight, greatest(0, extract(epoch from now() - occurred_at) / 86400) as age_days
      from recs.interactions where account_id = ${accountId} order by occurred_at desc limit ${recentSignals}),
    scores as (
      select track_id, sum(weight::float8 * power(0.5::float8, age_days::float8 / ${halfLifeDays}))::float8 as score,
        sum(case when signal in ('like', 'wave_like') then 1 when signal = 'unlike' then -1 else 0 end) > 0 as liked
      from recent group by track_id),
    served as (select w.track_id, w.artist_id, w.feedback from recs.wave_served w join touched t on t.session_id = w.session_id)
    select (select session_id from touched) as session_id,
      coalesce((select json_agg(json_build_object('id', track_id, 'score', score, 'liked', liked)) from scores), '[]') as scores,
      coalesce((select json_agg(track_id) from recs.hidden_tracks where account_id = ${accountId}), '[]') as hidden,
      (select json_build_object('artist_ids', artist_ids, 'genres', genres, 'allow_explicit', allow_explicit) from recs.taste where account_id = ${accountId}) as taste,
      coalesce((select json_agg(json_build_object('track_id', track_id, 'artist_id', artist_id, 'feedback', feedback)) from served), '[]') as served,
      coalesce((
        select json_agg(json_build_object('id', t.id, 'title', t.title, 'artist_id', t.artist_id, 'artist_name', a.name,
          'explicit', t.explicit, 'genres', t.genres, 'language', t.language))
        from catalog.tracks t join catalog.artists a on a.id = t.artist_id
        where t.status = 'published' and t.published_at is not null
          and t.id in (select track_id from scores union select track_id from served where feedback = 'like')), '[]') as meta`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error("wave state statement returned nothing");
  return {
    profile: {
      trackScores: new Map(row.scores.map((entry) => [entry.id, entry.score])),
      liked: new Set(row.scores.filter((entry) => entry.liked).map((entry) => entry.id)),
      hidden: new Set(row.hidden),
      taste: { artistIds: row.taste?.artist_ids ?? [], genres: row.taste?.genres ?? [], allowExplicit: row.taste?.allow_explicit ?? true },
    },
    session: {
      sessionId: row.session_id,
      served: row.served.map((entry) => ({ trackId: entry.track_id, artistId: entry.artist_id, feedback: entry.feedback })),
    },
    meta: new Map(
      row.meta.map((entry) => [
        entry.id,
        {
          id: entry.id,
          title: entry.title,
          artistId: entry.artist_id,
          artistName: entry.artist_name,
          explicit: entry.explicit,
          genres: entry.genres,
          language: entry.language,
        },
      ]),
    ),
  };
}
