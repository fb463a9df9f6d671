/**
 * The demo's ad campaigns: three spots synthesised by ffmpeg (short AAC
 * jingles) in the media bucket, so a free listener of the demo catalog hears
 * real ads from GET /ad. Idempotent like the catalog seed: ids derive from
 * names, and spots whose creative exists are skipped.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { scratchDirectory } from "../ingestion/files.ts";
import { runFfmpeg } from "../transcoder/ffmpeg.ts";
import { demoId } from "./demo-ids.ts";

interface DemoSpot {
  campaign: string;
  advertiser: string;
  genres: string[];
  languages: string[];
  priority: number;
  weight: number;
  hourlyCap: number;
  seconds: number;
  /** Jingle notes in Hz, one per beat. */
  notes: number[];
  imageUrl: string;
  clickUrl: string;
}

export const demoSpots: DemoSpot[] = [
  {
    campaign: "Наушники «Тунец Звук»",
    advertiser: "Тунец Звук",
    genres: [],
    languages: ["ru"],
    priority: 0,
    weight: 2,
    hourlyCap: 4,
    seconds: 8,
    notes: [523.3, 659.3, 784, 1046.5],
    imageUrl: "https://ads.tunec.dev/demo/headphones.png",
    clickUrl: "https://ads.tunec.dev/demo/headphones",
  },
  {
    campaign: "Synthwave Nights 2027",
    advertiser: "Northern Lights Festival",
    genres: ["synthwave", "post-punk", "electronic"],
    languages: [],
    priority: 10,
    weight: 1,
    hourlyCap: 2,
    seconds: 10,
    notes: [220, 261.6, 329.6, 392, 329.6, 261.6],
    imageUrl: "https://ads.tunec.dev/demo/synthwave-nights.png",
    clickUrl: "https://ads.tunec.dev/demo/synthwave-nights",
  },
  {
    campaign: "TUNEC Premium",
    advertiser: "TUNEC",
    genres: [],
    languages: [],
    priority: 0,
    weight: 1,
    hourlyCap: 2,
    seconds: 6,
    notes: [392, 523.3, 659.3],
    imageUrl: "https://tunec.dev/premium/banner.png",
    clickUrl: "https://tunec.dev/premium",
  },
];

export const demoAdminId = demoId("user", "demo-admin");

function jingle(spot: DemoSpot): string {
  const beat = spot.seconds / spot.notes.length;
  const note = spot.notes.slice(0, -1).reduceRight((rest, hz, i) => `if(lt(t,${((i + 1) * beat).toFixed(3)}),${hz},${rest})`, String(spot.notes.at(-1) ?? 440));
  return `aevalsrc='0.3*exp(-1.5*mod(t,${beat.toFixed(3)}))*sin(2*PI*t*(${note}))':s=44100:d=${spot.seconds}`;
}

export async function seedDemoAds(options: {
  db: Kysely<Database>;
  store: ObjectStore;
  logger: Logger;
  ffmpeg?: string;
  signal?: AbortSignal;
}): Promise<{ created: number }> {
  const { db, store } = options;
  const scratch = await scratchDirectory("demo", "ads");
  let created = 0;
  try {
    for (const spot of demoSpots) {
      options.signal?.throwIfAborted();
      const campaignId = demoId("ad-campaign", spot.campaign);
      const creativeId = demoId("ad-creative", spot.campaign);
      if (await db.selectFrom("ads.creatives").select("id").where("id", "=", creativeId).executeTakeFirst()) continue;
      const file = join(scratch.dir, `${creativeId}.m4a`);
      const result = await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", jingle(spot), "-c:a", "aac", "-b:a", "96k", "-f", "ipod", file], {
        timeoutMs: 60_000,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.ffmpeg ? { binary: options.ffmpeg } : {}),
      });
      if (result.code !== 0) throw new Error(`synthesising the spot "${spot.campaign}" failed: ${result.stderr.trim().split("\n").at(-1) ?? ""}`);
      const audioKey = `ads/demo/${creativeId}.m4a`;
      const bytes = new Uint8Array(await readFile(file));
      await store.put(audioKey, bytes, { contentType: "audio/mp4", contentLength: bytes.byteLength });
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("ads.campaigns")
          .values({
            id: campaignId,
            name: spot.campaign,
            advertiser: spot.advertiser,
            genres: spot.genres,
            languages: spot.languages,
            priority: spot.priority,
            weight: spot.weight,
            hourly_cap: spot.hourlyCap,
            created_by: demoAdminId,
          })
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
        await trx
          .insertInto("ads.creatives")
          .values({
            id: creativeId,
            campaign_id: campaignId,
            name: `${spot.seconds} s jingle`,
            audio_key: audioKey,
            audio_content_type: "audio/mp4",
            duration_ms: spot.seconds * 1000,
            image_url: spot.imageUrl,
            click_url: spot.clickUrl,
          })
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
      });
      created++;
    }
  } finally {
    await scratch.dispose();
  }
  options.logger.info("demo ads seeded", { created });
  return { created };
}
