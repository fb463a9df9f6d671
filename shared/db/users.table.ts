import type { ColumnType, Generated } from "kysely";

export interface ProfilesTable {
  user_id: string;
  display_name: string | null;
  avatar_url: string | null;
  locale: Generated<string>;
  is_premium: Generated<boolean>;
  premium_until: Date | null;
  /** Event time of the subscription event that last set is_premium (origin/users premium consumer). */
  premium_changed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type LikeTargetKind = "track" | "album" | "artist";

export interface LikesTable {
  user_id: string;
  target_kind: LikeTargetKind;
  target_id: string;
  created_at: Generated<Date>;
}

export interface ListeningHistoryTable {
  play_id: string;
  user_id: string;
  track_id: string;
  quality: string;
  device_id: string;
  start_position_ms: number;
  /** Written as the event's RFC 3339 string so microseconds survive. */
  started_at: ColumnType<Date, Date | string, Date | string>;
  recorded_at: Generated<Date>;
}

export type PlaylistVisibility = "private" | "public";

export interface PlaylistsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  description: string | null;
  visibility: Generated<PlaylistVisibility>;
  track_count: Generated<number>;
  /** bigint: pg returns it as a string. */
  version: ColumnType<string, string | number | undefined, string | number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PlaylistTracksTable {
  entry_id: Generated<string>;
  playlist_id: string;
  track_id: string;
  /** Fractional index; sorts byte-wise (collate "C"). */
  position: string;
  added_by: string;
  added_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface PlaylistEditorsTable {
  playlist_id: string;
  user_id: string;
  invited_at: Generated<Date>;
}

export interface PlaylistFollowersTable {
  playlist_id: string;
  user_id: string;
  followed_at: Generated<Date>;
}
