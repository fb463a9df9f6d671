import { parseFile } from "music-metadata";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../shared/logger.ts";
import { createS3ObjectStore } from "../../shared/storage/s3-object-store.ts";
import type { TestDatabase } from "../../shared/testing/test-database.ts";
import { hasFfmpeg } from "../../test/audio.ts";
import type { LocalS3 } from "../../test/s3-server.ts";
import { downloadObject, scratchDirectory } from "../ingestion/files.ts";
import { probeAudio } from "../ingestion/probe.ts";
import { demoCatalog } from "./catalog.ts";
import { demoId } from "./demo-ids.ts";
import { seedDemoCatalog } from "./seed.ts";
import { startSeedTarget } from "./testing.ts";

describe("demo ids", () => {
  it("are stable RFC 9562 v5 UUIDs", () => {
    expect(demoId("artist", "Кинолента")).toBe(demoId("artist", "Кинолента"));
    expect(demoId("artist", "Кинолента")).not.toBe(demoId("album", "Кинолента"));
    expect(z.uuid().safeParse(demoId("track", "x")).success).toBe(true);
    expect(demoId("track", "x")[14]).toBe("5");
  });
});

describe.runIf(hasFfmpeg())("demo catalog seed", () => {
  let database: TestDatabase;
  let s3: LocalS3;
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    ({ database, s3, stop } = await startSeedTarget());
  });
  afterAll(() => stop());

  it("queues 10–20 real tracks of 10–30 s once, and nothing the second time", async () => {
    const store = createS3ObjectStore(s3.bucket);
    const logger = createLogger({ test: "seed" }, "error");
    const first = await seedDemoCatalog({ db: database.db, store, logger });
    const trackCount = demoCatalog.flatMap((a) => a.albums.flatMap((al) => al.tracks)).length;
    expect(trackCount).toBeGreaterThanOrEqual(10);
    expect(trackCount).toBeLessThanOrEqual(20);
    expect(first).toMatchObject({ queued: trackCount, alreadyThere: 0 });
    const second = await seedDemoCatalog({ db: database.db, store, logger });
    expect(second).toMatchObject({ queued: 0, alreadyThere: trackCount });

    const artists = await database.db.selectFrom("catalog.artists").select("name").execute();
    expect(artists.map((a) => a.name)).toEqual(expect.arrayContaining(["Кинолента", "Земфирия", "Northern Tuna"]));
    const uploads = await database.db.selectFrom("ingestion.uploads").selectAll().execute();
    expect(uploads).toHaveLength(trackCount);
    expect(uploads.every((u) => u.state === "uploaded")).toBe(true);

    // Every source passes the real validation, with the duration the catalog promises.
    const scratch = await scratchDirectory("seed-test", "all");
    try {
      const seenCovers: string[] = [];
      for (const upload of uploads) {
        const path = `${scratch.dir}/${upload.id}`;
        const size = (await downloadObject(store, upload.source_key, path))?.size;
        const result = await probeAudio(path, size ?? 0, upload.declared_content_type);
        expect(result, upload.title).toMatchObject({ ok: true });
        if (result.ok) {
          expect(result.durationMs).toBeGreaterThanOrEqual(10_000);
          expect(result.durationMs).toBeLessThanOrEqual(30_000);
        }
        if ((await parseFile(path, { skipCovers: false })).common.picture?.length) seenCovers.push(upload.title);
      }
      expect(seenCovers).toHaveLength(demoCatalog.flatMap((a) => a.albums).length);
    } finally {
      await scratch.dispose();
    }
  }, 180_000);
});
