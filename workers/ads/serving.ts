/**
 * Serving one ad: the campaigns a listener may get right now (active, inside
 * their dates, targeting met, under their hourly cap, with a live creative),
 * the choice among them, and the impression, in one transaction.
 *
 * The frequency cap counts the listener's impressions of the last hour
 * (sliding, not clock hours). Two parallel requests of one listener would
 * both count the same past and both take the last slot, so the transaction
 * first takes a lock on the listener (an advisory lock, released at commit):
 * one listener's ad requests are serialised, different listeners' are not.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { chooseCampaign, weightedPick, type CampaignCandidate, type Random } from "./selection.ts";

export interface AdRequest {
  userId: string;
  /** Genres of what the listener is playing, lower-case; empty = unknown. */
  genres: string[];
  /** ISO 639 code; null = unknown. */
  language: string | null;
}

export interface ServedAd {
  impressionId: string;
  campaignId: string;
  creativeId: string;
  audioKey: string;
  audioContentType: string;
  durationMs: number;
  imageUrl: string | null;
  clickUrl: string | null;
}

/** Advisory-lock key space of the frequency cap (first argument of the two-key form). */
const frequencyLockSpace = 0x0ad5;

export async function serveAd(db: Kysely<Database>, request: AdRequest, random: Random = Math.random): Promise<ServedAd | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${frequencyLockSpace}, hashtext(${request.userId}))`.execute(trx);
    const genres = sql`${request.genres}::text[]`;
    const candidates = await sql<CampaignCandidate>`
      select c.id, c.priority, c.weight,
        (cardinality(c.genres) > 0)::int + (cardinality(c.languages) > 0)::int as specificity
      from ads.campaigns c
      where c.status = 'active'
        and c.starts_at <= clock_timestamp() and (c.ends_at is null or c.ends_at > clock_timestamp())
        and (cardinality(c.genres) = 0 or c.genres && ${genres})
        and (cardinality(c.languages) = 0 or ${request.language}::text = any(c.languages))
        and exists (select 1 from ads.creatives cr where cr.campaign_id = c.id and cr.status = 'active')
        and (
          select count(*) from ads.impressions i
          where i.user_id = ${request.userId} and i.campaign_id = c.id and i.served_at > clock_timestamp() - interval '1 hour'
        ) < c.hourly_cap`.execute(trx);
    const campaign = chooseCampaign(candidates.rows, random);
    if (!campaign) return null;
    const creatives = await trx
      .selectFrom("ads.creatives")
      .select(["id", "weight", "audio_key", "audio_content_type", "duration_ms", "image_url", "click_url"])
      .where("campaign_id", "=", campaign.id)
      .where("status", "=", "active")
      .orderBy("id")
      .execute();
    const creative = weightedPick(creatives, random);
    if (!creative) return null;
    const impression = await trx
      .insertInto("ads.impressions")
      .values({
        user_id: request.userId,
        campaign_id: campaign.id,
        creative_id: creative.id,
        served_at: sql<Date>`clock_timestamp()`,
        genres: request.genres,
        language: request.language,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return {
      impressionId: impression.id,
      campaignId: campaign.id,
      creativeId: creative.id,
      audioKey: creative.audio_key,
      audioContentType: creative.audio_content_type,
      durationMs: creative.duration_ms,
      imageUrl: creative.image_url,
      clickUrl: creative.click_url,
    };
  });
}

/** Genres of a published track, lower-case; empty when the catalog has no such track. */
export async function trackGenres(db: Kysely<Database>, trackId: string): Promise<string[]> {
  const track = await db.selectFrom("catalog.tracks").select("genres").where("id", "=", trackId).where("status", "=", "published").executeTakeFirst();
  return (track?.genres ?? []).map((genre) => genre.toLowerCase());
}

export type ImpressionEvent = "played" | "clicked";

/**
 * Records a client beacon on the listener's own impression; the first report
 * of each kind wins, so retries change nothing. False when no such impression is theirs.
 */
export async function recordImpressionEvent(db: Kysely<Database>, userId: string, impressionId: string, event: ImpressionEvent): Promise<boolean> {
  const column = event === "played" ? "played_at" : "clicked_at";
  const row = await db
    .updateTable("ads.impressions")
    .set({ [column]: sql<Date>`coalesce(${sql.ref(column)}, now())` })
    .where("id", "=", impressionId)
    .where("user_id", "=", userId)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}
