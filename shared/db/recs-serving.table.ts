import type { ColumnType } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** recs.hidden_tracks (migrations/0141): disliked in the wave, hidden from all recommendations. */
export interface RecsHiddenTracksTable {
  account_id: string;
  track_id: string;
  hidden_at: Timestamp;
}

/** recs.taste (migrations/0141): onboarding taste and the explicit-content choice. */
export interface RecsTasteTable {
  account_id: string;
  artist_ids: ColumnType<string[], string[] | undefined, string[]>;
  genres: ColumnType<string[], string[] | undefined, string[]>;
  allow_explicit: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Timestamp;
}

/** recs.wave_sessions (migrations/0141): the listener's current wave session. */
export interface RecsWaveSessionsTable {
  account_id: string;
  session_id: string;
  last_seen_at: Timestamp;
}

/** recs.wave_served (migrations/0141): tracks served in a session and the feedback on them. */
export interface RecsWaveServedTable {
  session_id: string;
  track_id: string;
  artist_id: string;
  served_at: Timestamp;
  feedback: "like" | "dislike" | "skip" | null;
}

/** recs.daily_mixes (migrations/0141): a listener's mixes of one UTC day. */
export interface RecsDailyMixesTable {
  account_id: string;
  /** `date`: select it with to_char. */
  day: ColumnType<Date, string, string>;
  mixes: ColumnType<unknown, string, string>;
}
