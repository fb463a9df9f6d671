import type { ColumnType, Generated } from "kysely";

/** `timestamptz` columns the database fills on insert; writers may override. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type AdStatus = "active" | "paused";

/** ads.campaigns (migrations/0045): what admins curate; targeting lists empty = everyone. */
export interface AdCampaignsTable {
  id: Generated<string>;
  name: string;
  advertiser: string;
  status: ColumnType<AdStatus, AdStatus | undefined, AdStatus>;
  starts_at: Timestamp;
  ends_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  priority: ColumnType<number, number | undefined, number>;
  weight: ColumnType<number, number | undefined, number>;
  hourly_cap: ColumnType<number, number | undefined, number>;
  genres: ColumnType<string[], string[] | undefined, string[]>;
  languages: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdCreativesTable {
  id: Generated<string>;
  campaign_id: string;
  name: string;
  status: ColumnType<AdStatus, AdStatus | undefined, AdStatus>;
  /** Object key in the media bucket, under `ads/`. */
  audio_key: string;
  audio_content_type: string;
  duration_ms: number;
  image_url: string | null;
  click_url: string | null;
  weight: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AdImpressionsTable {
  id: Generated<string>;
  user_id: string;
  campaign_id: string;
  creative_id: string;
  served_at: Timestamp;
  played_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  clicked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  genres: ColumnType<string[], string[] | undefined, string[]>;
  language: string | null;
}
