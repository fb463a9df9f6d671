import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** recs.interactions (migrations/0140): the implicit-feedback log, one row per signal and track. */
export interface RecsInteractionsTable {
  event_id: string;
  account_id: string;
  track_id: string;
  signal:
    | "play"
    | "complete"
    | "skip"
    | "like"
    | "unlike"
    | "playlist_add"
    | "wave_like"
    | "wave_dislike"
    | "wave_skip"
    | "album_like"
    | "album_unlike"
    | "artist_like"
    | "artist_unlike";
  weight: number;
  occurred_at: Timestamp;
  /** When the row was written (migrations/0145): the incremental refresh's "new since" range. */
  recorded_at: Timestamp;
}

/** recs.track_neighbors (migrations/0140): top-K similar tracks, rank 0 first. */
export interface RecsTrackNeighborsTable {
  track_id: string;
  rank: number;
  neighbor_id: string;
  score: number;
}

/** recs.artist_neighbors (migrations/0140): top-K similar artists, rank 0 first. */
export interface RecsArtistNeighborsTable {
  artist_id: string;
  rank: number;
  neighbor_id: string;
  score: number;
}

/** recs.popular_tracks (migrations/0140): popularity per segment ('all', 'genre:rock', 'language:ru'). */
export interface RecsPopularTracksTable {
  segment: string;
  rank: number;
  track_id: string;
  score: number;
}

/** recs.model_runs (migrations/0140): one row per training run. */
export interface RecsModelRunsTable {
  id: Generated<string>;
  model: string;
  started_at: Timestamp;
  finished_at: Timestamp;
  interactions: string | number;
  tracks: number;
  params: ColumnType<unknown, string | undefined, string>;
}

/** recs.neighbor_refreshes (migrations/0145): one row per incremental neighbour refresh. */
export interface RecsNeighborRefreshesTable {
  id: Generated<string>;
  started_at: Timestamp;
  finished_at: Timestamp;
  since: Timestamp;
  until: Timestamp;
  touched_tracks: number;
  new_tracks: number;
  rows_written: number;
}
