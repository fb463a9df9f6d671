import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../shared/logger.ts";
import { createS3ObjectStore } from "../../shared/storage/s3-object-store.ts";
import type { TestDatabase } from "../../shared/testing/test-database.ts";
import { hasFfmpeg } from "../../test/audio.ts";
import type { LocalS3 } from "../../test/s3-server.ts";
import { downloadObject, scratchDirectory } from "../ingestion/files.ts";
import { probeAudio } from "../ingestion/probe.ts";
import { demoSpots, seedDemoAds } from "./ads.ts";
import { startSeedTarget } from "./testing.ts";

describe.runIf(hasFfmpeg())("demo ads seed", () => {
  let database: TestDatabase;
  let s3: LocalS3;
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ database, s3, stop } = await startSeedTarget());
  });
  afterAll(() => stop());

  it("creates each campaign with a real AAC spot once, and nothing the second time", async () => {
    const store = createS3ObjectStore(s3.bucket);
    const logger = createLogger({ test: "demo-ads" }, "error");
    expect(await seedDemoAds({ db: database.db, store, logger })).toEqual({ created: demoSpots.length });
    expect(await seedDemoAds({ db: database.db, store, logger })).toEqual({ created: 0 });
    const creatives = await database.db.selectFrom("ads.creatives").selectAll().execute();
    expect(creatives).toHaveLength(demoSpots.length);
    const scratch = await scratchDirectory("demo-ads-test", "all");
    try {
      for (const creative of creatives) {
        const path = `${scratch.dir}/${creative.id}.m4a`;
        const size = (await downloadObject(store, creative.audio_key, path))?.size;
        const probed = await probeAudio(path, size ?? 0, creative.audio_content_type);
        expect(probed, creative.name).toMatchObject({ ok: true });
        if (probed.ok) expect(Math.abs(probed.durationMs - creative.duration_ms)).toBeLessThan(200);
      }
    } finally {
      await scratch.dispose();
    }
  }, 60_000);
});
