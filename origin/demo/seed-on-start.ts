import type { NodeConfig } from "../../shared/config.ts";
import { createPostgresDatabase } from "../../shared/db/postgres.ts";
import { createLogger } from "../../shared/logger.ts";
import { createOriginObjectStore } from "../ingestion/object-store.ts";
import { seedDemoAds } from "./ads.ts";
import { seedDemoCatalog, waitForDemo } from "./seed.ts";

export interface RunningSeed {
  stop(): Promise<void>;
}

/**
 * `npm start`'s demo seed, in the background once the gateway is up (the
 * origin reaches the bucket through it). Reports when the catalog is playable.
 */
export function startDemoSeed(config: NodeConfig & { DATABASE_URL: string }, say: (message: string) => void): RunningSeed {
  if (config.DEMO_SEED === "false") return { stop: async () => undefined };
  const stopping = new AbortController();
  const logger = createLogger({ service: "demo-seed" }, config.LOG_LEVEL);
  const db = createPostgresDatabase(config.DATABASE_URL, { maxConnections: 2, applicationName: "tunec-demo-seed" });
  const done = (async () => {
    try {
      const store = createOriginObjectStore(config);
      const seeded = await seedDemoCatalog({ db, store, logger, signal: stopping.signal, ffmpeg: config.FFMPEG_PATH, storage: config.S3_BUCKET ? "s3" : "r2" });
      await seedDemoAds({ db, store, logger, signal: stopping.signal, ffmpeg: config.FFMPEG_PATH });
      if (seeded.queued === 0) {
        say(`demo catalog: ${seeded.uploadIds.length} tracks already seeded`);
        return;
      }
      say(`demo catalog: ${seeded.queued} synthesised tracks queued for validation and transcoding`);
      const outcome = await waitForDemo(db, seeded.uploadIds, 10 * 60_000, stopping.signal);
      if (!stopping.signal.aborted) {
        say(
          `demo catalog: ${outcome.published} tracks published${outcome.rejected ? `, ${outcome.rejected} rejected` : ""}${outcome.pending ? `, ${outcome.pending} still in the pipeline` : ""}`,
        );
      }
    } catch (error) {
      if (!stopping.signal.aborted) say(`demo catalog: seeding failed (${error instanceof Error ? error.message : String(error)}); is ffmpeg installed?`);
    } finally {
      await db.destroy();
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
