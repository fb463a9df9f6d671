/** Rows → the admin API's JSON. */
import type { CampaignRecord, CreativeRow } from "./repository.ts";

const iso = (value: Date) => value.toISOString();

export function toCreative(row: CreativeRow) {
  return {
    id: row.id,
    campaign_id: row.campaign_id,
    name: row.name,
    status: row.status,
    audio_key: row.audio_key,
    audio_content_type: row.audio_content_type,
    duration_ms: row.duration_ms,
    image_url: row.image_url,
    click_url: row.click_url,
    weight: row.weight,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toCampaign(record: CampaignRecord) {
  return {
    id: record.id,
    name: record.name,
    advertiser: record.advertiser,
    status: record.status,
    starts_at: iso(record.starts_at),
    ends_at: record.ends_at ? iso(record.ends_at) : null,
    priority: record.priority,
    weight: record.weight,
    hourly_cap: record.hourly_cap,
    genres: record.genres,
    languages: record.languages,
    created_by: record.created_by,
    created_at: iso(record.created_at),
    updated_at: iso(record.updated_at),
    creatives: record.creatives.map(toCreative),
    impressions: record.impressions,
  };
}
