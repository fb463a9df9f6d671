import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeConfigSchema, parseConfig } from "../../shared/config.ts";
import { createLogger } from "../../shared/logger.ts";
import { createS3ObjectStore } from "../../shared/storage/s3-object-store.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { databaseKinds, createTestDatabase, type TestDatabase } from "../../shared/testing/test-database.ts";
import { contentTypes, createAudioWorkbench, hasFfmpeg, type AudioWorkbench } from "../../test/audio.ts";
import { startLocalS3, type LocalS3 } from "../../test/s3-server.ts";
import { catalogWriterService } from "../catalog-writer/service.ts";
import { cdcService } from "../cdc/service.ts";
import { dropTestSlot, readTopics, testSlotName, type TopicReader } from "../cdc/testing/cdc-fixture.ts";
import { createEventLog, type EventBackbone } from "../events/event-log-factory.ts";
import { startOrigin, type OriginHandle } from "../runtime.ts";
import { transcoderService } from "../transcoder/service.ts";
import { ingestionService } from "./service.ts";
import { insertAlbum, insertArtistProfile, insertCompletedUpload, waitForState } from "./testing/fixtures.ts";

const logger = createLogger({ test: "ingestion-pipeline" }, "error");

describe.runIf(hasFfmpeg()).each(databaseKinds())("upload → validate → transcode → TrackPublished → catalog on %s", (kind) => {
  let database: TestDatabase;
  let s3: LocalS3;
  let store: ObjectStore;
  let bench: AudioWorkbench;
  let origin: OriginHandle;
  let backbone: EventBackbone;
  let reader: TopicReader;
  const slot = testSlotName();
  let artist: { artistId: string; userId: string };

  beforeAll(async () => {
    [database, s3, bench] = await Promise.all([createTestDatabase(kind), startLocalS3(), createAudioWorkbench()]);
    store = createS3ObjectStore(s3.bucket);
    const config = parseConfig(nodeConfigSchema, {
      DATABASE_URL: database.url,
      LOG_LEVEL: "error",
      CDC_SLOT: slot,
      S3_ENDPOINT: s3.settings.endpoint,
      S3_REGION: s3.settings.region,
      S3_BUCKET: s3.settings.bucket,
      S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    });
    origin = await startOrigin({ ...config, DATABASE_URL: database.url }, [cdcService, ingestionService, transcoderService, catalogWriterService]);
    backbone = createEventLog({ DATABASE_URL: database.url }, database.db, logger);
    reader = await readTopics(backbone.log, ["tunec.ingestion.uploads"]);
    artist = await insertArtistProfile(database.db, "Кино Синтез");
  });

  afterAll(async () => {
    await reader?.stop();
    await backbone?.log.close();
    await origin?.stop();
    if (kind === "postgres") await dropTestSlot(database.db, slot);
    await Promise.all([database?.drop(), s3?.stop(), bench?.cleanup()]);
  });

  it("publishes a FLAC with an embedded cover within seconds: catalog row, two renditions, loudness, cover, TrackPublished", async () => {
    const albumId = await insertAlbum(database.db, artist.artistId, "Группа крови (синтез)");
    const file = await bench.make("blood-type.flac", "flac", { seconds: 8, frequencies: [220, 277, 330], cover: true });
    const started = Date.now();
    const upload = await insertCompletedUpload(database.db, store, {
      ...artist,
      title: "Группа крови",
      file,
      size: await bench.size(file),
      contentType: "audio/flac",
      albumId,
      position: 1,
    });
    const done = await waitForState(database.db, upload.id, ["published", "rejected"]);
    expect(done.rejection_message).toBeNull();
    expect(done.state).toBe("published");

    const published = await reader.waitFor("TrackPublished", (events) => events.some((e) => e.event.id === upload.published_event_id));
    const event = published.find((e) => e.event.id === upload.published_event_id);
    expect(event?.record.key).toBe(upload.id);
    expect(event?.event).toMatchObject({ type: "tunec.ingestion.track-published.v1", data: { trackId: upload.track_id, title: "Группа крови" } });

    const deadline = Date.now() + 20_000;
    let track = await database.db.selectFrom("catalog.tracks").selectAll().where("id", "=", upload.track_id).executeTakeFirst();
    while (!track && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      track = await database.db.selectFrom("catalog.tracks").selectAll().where("id", "=", upload.track_id).executeTakeFirst();
    }
    const elapsedMs = Date.now() - started;
    console.log(`[ingestion] ${kind}: completed upload → catalog row in ${elapsedMs} ms`);
    expect(elapsedMs).toBeLessThan(15_000);
    expect(track).toMatchObject({ title: "Группа крови", artist_id: artist.artistId, album_id: albumId, position: 1, status: "published", language: "ru" });
    expect(Math.abs((track?.duration_ms ?? 0) - 8_000)).toBeLessThan(150);

    const renditions = await database.db.selectFrom("catalog.renditions").selectAll().where("track_id", "=", upload.track_id).orderBy("quality").execute();
    expect(renditions.map((r) => [r.quality, r.codec, r.bitrate_kbps, r.object_key])).toEqual([
      ["high", "aac", 256, `tracks/${upload.track_id}/high.m4a`],
      ["standard", "aac", 128, `tracks/${upload.track_id}/standard.m4a`],
    ]);
    const loudness = Number(renditions[0]?.loudness_lufs);
    expect(loudness).toBeGreaterThan(-40);
    expect(loudness).toBeLessThan(0);
    for (const rendition of renditions) {
      const head = await store.head(rendition.object_key);
      expect(head?.size).toBe(Number(rendition.size_bytes));
      expect(head?.contentType).toBe("audio/mp4");
    }
    // 256 kbit/s of 8 s is about twice 128 kbit/s.
    expect(Number(renditions[0]?.size_bytes)).toBeGreaterThan(Number(renditions[1]?.size_bytes) * 1.5);
    const album = await database.db.selectFrom("catalog.albums").select("cover_key").where("id", "=", albumId).executeTakeFirstOrThrow();
    expect(album.cover_key).toBe(`tracks/${upload.track_id}/cover.jpg`);
    expect((await store.head(`tracks/${upload.track_id}/cover.jpg`))?.contentType).toBe("image/jpeg");
  });

  it("refuses bad uploads with a readable reason and UploadRejected, and publishes nothing of them", async () => {
    const whole = await bench.make("whole.mp3", "mp3", { seconds: 8 });
    const jpeg = await bench.jpeg("photo.jpg");
    const cases = [
      { name: "zero bytes", file: whole, size: 0, contentType: "audio/mpeg", code: "empty_file" },
      { name: "truncated", file: await bench.truncate(whole, "cut.mp3"), contentType: "audio/mpeg", code: "truncated" },
      { name: "JPEG renamed .mp3", file: jpeg, contentType: "audio/mpeg", code: "unsupported_format" },
      { name: "2 s", file: await bench.make("short.ogg", "ogg", { seconds: 2 }), contentType: contentTypes.ogg, code: "too_short" },
      { name: "30 min", file: await bench.make("long.mp3", "mp3", { seconds: 1_800, mono8k: true }), contentType: "audio/mpeg", code: "too_long" },
      { name: "declared MP3, is WAV", file: await bench.make("real.wav", "wav"), contentType: "audio/mpeg", code: "content_type_mismatch" },
    ];
    const uploads = await Promise.all(
      cases.map(async (c) =>
        insertCompletedUpload(database.db, store, {
          ...artist,
          title: c.name,
          file: c.file,
          size: c.size ?? (await bench.size(c.file)),
          contentType: c.contentType,
        }),
      ),
    );
    for (const [index, upload] of uploads.entries()) {
      const expected = cases[index];
      const done = await waitForState(database.db, upload.id, ["published", "rejected"]);
      expect({ name: expected?.name, state: done.state, code: done.rejection_code }).toEqual({ name: expected?.name, state: "rejected", code: expected?.code });
      expect(done.rejection_message?.length).toBeGreaterThan(10);
      expect(await database.db.selectFrom("catalog.tracks").select("id").where("id", "=", upload.track_id).executeTakeFirst()).toBeUndefined();
      expect(await store.head(`tracks/${upload.track_id}/standard.m4a`)).toBeNull();
      expect(await store.head(upload.source_key)).toBeNull();
    }
    const events = await reader.waitFor("six UploadRejected", (seen) => uploads.every((u) => seen.some((e) => e.event.id === u.rejected_event_id)));
    const tooLong = events.find((e) => e.event.id === uploads[4]?.rejected_event_id)?.event;
    expect(tooLong).toMatchObject({ type: "tunec.ingestion.upload-rejected.v1", data: { reason: { code: "too_long" }, declaredContentType: "audio/mpeg" } });
    expect(events.some((e) => uploads.some((u) => e.event.id === u.published_event_id))).toBe(false);
  }, 180_000);
});
