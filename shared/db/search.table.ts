import type { ColumnType, Generated } from "kysely";

/** `timestamptz` columns the database fills on insert; writers may override. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** `tsvector` columns: written through SQL expressions, read back as text if at all. */
type TsVector = ColumnType<string, string, string>;

/** One indexed track (migrations/0020_search.sql); invisible rows are tombstones. */
export interface SearchTracksTable {
  id: string;
  visible: boolean;
  source_updated_at: ColumnType<Date, Date | string, Date | string>;
  title: string;
  artist_id: string;
  artist_ids: string[];
  artist_names: string[];
  album_id: string | null;
  album_title: string | null;
  cover_key: string | null;
  position: number | null;
  duration_ms: number;
  explicit: boolean;
  genres: string[];
  language: string | null;
  popularity: ColumnType<number, number | undefined, number>;
  published_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
  title_latin: string;
  names_latin: string;
  tsv: TsVector;
  /** Sound skeletons of the names (migrations/0171, search.sound). */
  sound: ColumnType<string, string | undefined, string>;
  indexed_at: Timestamp;
}

export interface SearchArtistsTable {
  id: string;
  name: string;
  image_key: string | null;
  track_count: number;
  popularity: number;
  name_latin: string;
  tsv: TsVector;
  /** Sound skeletons of the names (migrations/0171, search.sound). */
  sound: ColumnType<string, string | undefined, string>;
  indexed_at: Timestamp;
}

export interface SearchAlbumsTable {
  id: string;
  title: string;
  artist_id: string;
  artist_name: string;
  kind: string;
  /** `date`; read it with `to_char` for the wire. */
  release_date: ColumnType<Date | null, Date | string | null, Date | string | null>;
  cover_key: string | null;
  track_count: number;
  popularity: number;
  title_latin: string;
  tsv: TsVector;
  /** Sound skeletons of the names (migrations/0171, search.sound). */
  sound: ColumnType<string, string | undefined, string>;
  indexed_at: Timestamp;
}

export interface SearchTermsTable {
  term: string;
}

/** catalog.track_daily_plays (migrations/0160): plays counted per listener, track and UTC day (the cap). */
export interface TrackDailyPlaysTable {
  track_id: string;
  user_id: string;
  day: ColumnType<string, string, string>;
  plays: number;
}

/** catalog.track_stats (migrations/0021): plays and a popularity score per track. */
export interface TrackStatsTable {
  track_id: string;
  plays: ColumnType<string, string | number | bigint | undefined, string | number | bigint>;
  popularity: ColumnType<number, number | undefined, number>;
  updated_at: Generated<Date>;
}

/** catalog.track_daily_stats (migrations/0162): per track and UTC day, for the artist's plots. */
export interface TrackDailyStatsTable {
  track_id: string;
  /** `date`: drivers read it as a Date (at local midnight); select it with to_char for the day itself. */
  day: ColumnType<Date, string, string>;
  starts: ColumnType<number, number | undefined, number>;
  plays: ColumnType<number, number | undefined, number>;
  listeners: ColumnType<number, number | undefined, number>;
  finishes: ColumnType<number, number | undefined, number>;
  completed: ColumnType<number, number | undefined, number>;
}

/** search.opensearch_sync (migrations/0170): OpenSearch indexers that asked for changes to be noted. */
export interface SearchOpenSearchSyncTable {
  name: string;
  registered_at: ColumnType<Date, Date | string | undefined, never>;
}

/** search.opensearch_pending (migrations/0170): documents changed since OpenSearch last got them. */
export interface SearchOpenSearchPendingTable {
  kind: "tracks" | "albums" | "artists";
  id: string;
  seq: ColumnType<string, string | undefined, string>;
}
