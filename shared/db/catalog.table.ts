import type { ColumnType, Generated } from "kysely";

/** `timestamptz` columns the database fills on insert; writers may override. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type TrackStatus = "draft" | "published" | "taken_down";
export type RenditionQuality = "standard" | "high";
export type RenditionCodec = "mp3" | "aac" | "opus" | "vorbis" | "flac";
export type TrackArtistRole = "main" | "featured" | "remixer" | "producer";
export type AlbumKind = "album" | "single" | "ep" | "compilation";

export interface ArtistsTable {
  id: Generated<string>;
  name: string;
  user_id: string | null;
  bio: string | null;
  image_key: string | null;
  /** Set once merged into another profile (migrations/0111): old links redirect there. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** catalog.artist_managers (migrations/0101): the accounts that manage each artist profile. */
export interface ArtistManagersTable {
  artist_id: string;
  user_id: string;
  added_by: string | null;
  added_at: Timestamp;
}

export type ArtistApplicationStatus = "pending" | "approved" | "rejected";

/** catalog.artist_applications (migrations/0103): listeners asking to become artists. */
export interface ArtistApplicationsTable {
  id: Generated<string>;
  user_id: string;
  artist_name: string;
  links: ColumnType<string[], string[] | undefined, string[]>;
  claim_artist_id: string | null;
  status: ColumnType<ArtistApplicationStatus, ArtistApplicationStatus | undefined, ArtistApplicationStatus>;
  reason: string | null;
  artist_id: string | null;
  decided_by: string | null;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
}

export interface AlbumsTable {
  id: Generated<string>;
  title: string;
  artist_id: string;
  kind: ColumnType<AlbumKind, AlbumKind | undefined, AlbumKind>;
  /** `date`: node-postgres returns a Date at local midnight; prefer `to_char` when reading for the wire. */
  release_date: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  cover_key: string | null;
  /** migrations/0111: a taken-down album answers 410 and took its published tracks down with it. */
  status: ColumnType<"published" | "taken_down", "published" | "taken_down" | undefined, "published" | "taken_down">;
  /** migrations/0135: the release's genres, chosen by its artist. */
  genres: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TracksTable {
  id: Generated<string>;
  title: string;
  /** The main artist. */
  artist_id: string;
  album_id: string | null;
  position: number | null;
  duration_ms: number;
  explicit: ColumnType<boolean, boolean | undefined, boolean>;
  genres: ColumnType<string[], string[] | undefined, string[]>;
  /** ISO 639 code, e.g. "ru", "en", "zxx" (no lyrics). */
  language: string | null;
  /** ISO 3901 without hyphens, e.g. "RUA1D2300001". */
  isrc: string | null;
  status: ColumnType<TrackStatus, TrackStatus | undefined, TrackStatus>;
  /** migrations/0111: taken down by its album's takedown, so the album's restore brings it back. */
  taken_down_with_album: ColumnType<boolean, boolean | undefined, boolean>;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface TrackArtistsTable {
  track_id: string;
  artist_id: string;
  role: ColumnType<TrackArtistRole, TrackArtistRole | undefined, TrackArtistRole>;
  /** Display order among the credited artists, from 1. */
  position: number;
}

export interface RenditionsTable {
  id: Generated<string>;
  track_id: string;
  quality: RenditionQuality;
  codec: RenditionCodec;
  bitrate_kbps: number;
  object_key: string;
  /** `bigint`: node-postgres returns it as a decimal string. */
  size_bytes: ColumnType<string, string | number | bigint, string | number | bigint>;
  /** `numeric(5,2)`: a decimal string such as "-14.20". */
  loudness_lufs: ColumnType<string, string | number, string | number>;
  created_at: Timestamp;
}
