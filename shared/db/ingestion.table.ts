import type { ColumnType, Generated, JSONColumnType } from "kysely";

/** `timestamptz` columns the database fills on insert; writers may override. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type OptionalTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** `bigint`: node-postgres returns it as a decimal string. */
type BigInt = ColumnType<string, string | number | bigint, string | number | bigint>;

export type UploadState = "awaiting_upload" | "uploaded" | "validated" | "published" | "rejected";
export type UploadStorage = "r2" | "s3";

/** A rendition the transcoder wrote, as TrackPublished carries it. */
export interface StoredRendition {
  quality: "standard" | "high";
  objectKey: string;
  codec: "aac" | "opus" | "mp3" | "vorbis" | "flac";
  mimeType: string;
  bitrateKbps: number;
  sizeBytes: number;
}

export interface UploadsTable {
  id: string;
  track_id: string;
  user_id: string;
  artist_id: string;
  title: string;
  album_id: string | null;
  position: number | null;
  explicit: ColumnType<boolean, boolean | undefined, boolean>;
  genres: ColumnType<string[], string[] | undefined, string[]>;
  language: string | null;
  isrc: string | null;
  featured_artist_ids: ColumnType<string[], string[] | undefined, string[]>;
  declared_content_type: string;
  declared_size_bytes: BigInt;
  filename: string | null;
  storage: UploadStorage;
  source_key: string;
  multipart_upload_id: string | null;
  /** The part size of a multipart upload (migrations/0113). */
  part_size_bytes: ColumnType<number | null, number | null | undefined, number | null>;
  state: ColumnType<UploadState, UploadState | undefined, UploadState>;
  url_expires_at: ColumnType<Date, Date | string, Date | string>;
  attempts: ColumnType<number, number | undefined, number>;
  lease_owner: string | null;
  lease_until: OptionalTimestamp;
  last_error: string | null;
  size_bytes: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  detected_format: string | null;
  /** SHA-256 (hex) of the bytes validation checked (migrations/0112); the transcoder publishes only these. */
  source_sha256: ColumnType<string | null, string | null | undefined, string | null>;
  duration_ms: number | null;
  probe: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** `numeric(5,2)`: a decimal string such as "-14.20". */
  loudness_lufs: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  cover_key: string | null;
  renditions: JSONColumnType<StoredRendition[] | null, string | null | undefined, string | null>;
  rejection_code: string | null;
  rejection_message: string | null;
  published_event_id: Generated<string>;
  rejected_event_id: Generated<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  uploaded_at: OptionalTimestamp;
  validated_at: OptionalTimestamp;
  published_at: OptionalTimestamp;
  rejected_at: OptionalTimestamp;
}

/** A stored part of a multipart upload through the edge (migrations/0113). */
export interface UploadPartsTable {
  upload_id: string;
  part_number: number;
  size_bytes: BigInt;
  etag: string;
  uploaded_at: Timestamp;
}
