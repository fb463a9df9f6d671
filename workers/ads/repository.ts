/** The admin side of the ads schema: campaigns with their creatives and impression totals. */
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from "kysely";
import type { AdCampaignsTable, AdCreativesTable } from "../../shared/db/ads.table.ts";
import type { Database } from "../../shared/db/database.ts";

export type CampaignRow = Selectable<AdCampaignsTable>;
export type CreativeRow = Selectable<AdCreativesTable>;

export interface CampaignRecord extends CampaignRow {
  creatives: CreativeRow[];
  impressions: { served: number; played: number; clicked: number };
}

export async function insertCampaign(db: Kysely<Database>, values: Insertable<AdCampaignsTable>): Promise<CampaignRow> {
  return db.insertInto("ads.campaigns").values(values).returningAll().executeTakeFirstOrThrow();
}

/** Null when there is no such campaign. */
export async function updateCampaign(db: Kysely<Database>, id: string, changes: Updateable<AdCampaignsTable>): Promise<CampaignRow | null> {
  const row = await db
    .updateTable("ads.campaigns")
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function findCampaign(db: Kysely<Database>, id: string): Promise<CampaignRow | null> {
  return (await db.selectFrom("ads.campaigns").selectAll().where("id", "=", id).executeTakeFirst()) ?? null;
}

/** Newest first, with their creatives and impression totals. */
export async function listCampaigns(db: Kysely<Database>, filter: { status?: "active" | "paused" | undefined; limit: number }): Promise<CampaignRecord[]> {
  let query = db.selectFrom("ads.campaigns").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.limit);
  if (filter.status) query = query.where("status", "=", filter.status);
  const campaigns = await query.execute();
  return withDetails(db, campaigns);
}

export async function withDetails(db: Kysely<Database>, campaigns: CampaignRow[]): Promise<CampaignRecord[]> {
  const ids = campaigns.map((campaign) => campaign.id);
  if (ids.length === 0) return [];
  const creatives = await db.selectFrom("ads.creatives").selectAll().where("campaign_id", "in", ids).orderBy("created_at").orderBy("id").execute();
  const totals = await db
    .selectFrom("ads.impressions")
    .select((eb) => [
      "campaign_id",
      eb.fn.countAll<string>().as("served"),
      eb.fn.count<string>("played_at").as("played"),
      eb.fn.count<string>("clicked_at").as("clicked"),
    ])
    .where("campaign_id", "in", ids)
    .groupBy("campaign_id")
    .execute();
  return campaigns.map((campaign) => {
    const total = totals.find((row) => row.campaign_id === campaign.id);
    return {
      ...campaign,
      creatives: creatives.filter((creative) => creative.campaign_id === campaign.id),
      impressions: { served: Number(total?.served ?? 0), played: Number(total?.played ?? 0), clicked: Number(total?.clicked ?? 0) },
    };
  });
}

export async function insertCreative(db: Kysely<Database>, values: Insertable<AdCreativesTable>): Promise<CreativeRow> {
  return db.insertInto("ads.creatives").values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateCreative(db: Kysely<Database>, id: string, changes: Updateable<AdCreativesTable>): Promise<CreativeRow | null> {
  const row = await db
    .updateTable("ads.creatives")
    .set({ ...changes, updated_at: sql<Date>`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
