import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import { createLogger } from "../../shared/logger.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { createS3ObjectStore } from "../../shared/storage/s3-object-store.ts";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../shared/testing/test-database.ts";
import { createAudioWorkbench, hasFfmpeg, type AudioWorkbench } from "../../test/audio.ts";
import { startLocalS3, type LocalS3 } from "../../test/s3-server.ts";
import { applyTrackPublished } from "../catalog-writer/track-published.ts";
import { LeaseLostError } from "../ingestion/lease.ts";
import { claimUpload } from "../ingestion/queue.ts";
import { insertArtistProfile, insertCompletedUpload } from "../ingestion/testing/fixtures.ts";
import { transcodeUpload, type TranscodeDeps } from "./transcode-upload.ts";

const logger = createLogger({ test: "transcoder" }, "error");

describe.runIf(hasFfmpeg()).each(databaseKinds())("transcoder idempotency on %s", (kind) => {
  let database: TestDatabase;
  let s3: LocalS3;
  let store: ObjectStore;
  let bench: AudioWorkbench;
  let deps: TranscodeDeps;

  beforeAll(async () => {
    [database, s3, bench] = await Promise.all([createTestDatabase(kind), startLocalS3(), createAudioWorkbench()]);
    store = createS3ObjectStore(s3.bucket);
    deps = { db: database.db, store, logger, maxAttempts: 5, timeoutMs: 60_000 };
  });
  afterAll(async () => {
    await Promise.all([database?.drop(), s3?.stop(), bench?.cleanup()]);
  });

  const outboxFor = (uploadId: string) =>
    database.db.selectFrom("events.outbox").selectAll().where("key", "=", uploadId).where("type", "=", "tunec.ingestion.track-published.v1").execute();

  it("never publishes bytes other than the validated ones: a source replaced after validation is refused (issue 17, item 5)", async () => {
    const artist = await insertArtistProfile(database.db, "Подмена");
    const checked = await bench.make("checked.mp3", "mp3", { seconds: 6 });
    const swapped = await bench.make("swapped.mp3", "mp3", { seconds: 7 });
    const { createHash } = await import("node:crypto");
    const { readFile } = await import("node:fs/promises");
    const digest = createHash("sha256")
      .update(await readFile(checked))
      .digest("hex");
    const upload = await insertCompletedUpload(database.db, store, {
      ...artist,
      title: "Swap",
      file: checked,
      size: await bench.size(checked),
      contentType: "audio/mpeg",
      state: "validated",
      sourceSha256: digest,
    });
    // The uploader writes the source key again after /complete (its URL still lives).
    const { fileBody } = await import("../ingestion/files.ts");
    await store.put(upload.source_key, fileBody(swapped), { contentType: "audio/mpeg", contentLength: await bench.size(swapped) });

    const claimed = await claimUpload(database.db, "validated", "worker-swap", 60_000);
    if (!claimed) throw new Error("not claimed");
    await transcodeUpload(deps, { ...claimed }, "worker-swap", new AbortController().signal);
    const row = await database.db.selectFrom("ingestion.uploads").selectAll().where("id", "=", upload.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "rejected",
      rejection_code: "transcode_failed",
      rejection_message: "The file changed after it was checked; upload it again.",
    });
    expect(await outboxFor(upload.id)).toHaveLength(0);
    expect(await store.head(`tracks/${upload.track_id}/standard.m4a`)).toBeNull();
    expect(await store.head(upload.source_key)).toBeNull();
  });

  it("a crash after the objects are written and before the commit is retried without duplicates", async () => {
    const artist = await insertArtistProfile(database.db, "Сплин-2");
    const file = await bench.make("retry.mp3", "mp3", { seconds: 6 });
    const upload = await insertCompletedUpload(database.db, store, {
      ...artist,
      title: "Выхода нет",
      file,
      size: await bench.size(file),
      contentType: "audio/mpeg",
      state: "validated",
    });
    await database.db.updateTable("ingestion.uploads").set({ duration_ms: 6_000 }).where("id", "=", upload.id).execute();

    const first = await claimUpload(database.db, "validated", "worker-1", 60_000);
    expect(first?.id).toBe(upload.id);
    if (!first) return;
    const crash = new Error("simulated crash between the bucket and the commit");
    await expect(transcodeUpload({ ...deps, afterObjectsWritten: () => Promise.reject(crash) }, first, "worker-1", new AbortController().signal)).rejects.toBe(
      crash,
    );
    const afterCrash = await database.db.selectFrom("ingestion.uploads").selectAll().where("id", "=", upload.id).executeTakeFirstOrThrow();
    expect(afterCrash.state).toBe("validated");
    expect(await outboxFor(upload.id)).toHaveLength(0);
    const standardKey = `tracks/${upload.track_id}/standard.m4a`;
    const firstEtag = (await store.head(standardKey))?.etag;
    expect(firstEtag).toBeDefined();

    // The crashed worker's lease still holds: nobody else takes the upload yet.
    expect(await claimUpload(database.db, "validated", "worker-2", 60_000)).toBeUndefined();
    await sql`update ingestion.uploads set lease_until = now() - interval '1 second' where id = ${upload.id}`.execute(database.db);
    const second = await claimUpload(database.db, "validated", "worker-2", 60_000);
    expect(second).toMatchObject({ id: upload.id, attempts: 2 });
    if (!second) return;
    await transcodeUpload(deps, second, "worker-2", new AbortController().signal);

    const done = await database.db.selectFrom("ingestion.uploads").selectAll().where("id", "=", upload.id).executeTakeFirstOrThrow();
    expect(done.state).toBe("published");
    expect(done.renditions?.map((r) => r.objectKey)).toEqual([standardKey, `tracks/${upload.track_id}/high.m4a`]);
    const events = await outboxFor(upload.id);
    expect(events.map((e) => e.id)).toEqual([upload.published_event_id]);
    // Same keys, overwritten: the bucket holds one rendition per quality.
    expect((await store.head(standardKey))?.size).toBe(done.renditions?.[0]?.sizeBytes);

    // The first worker wakes up late: it lost its lease, so it writes nothing.
    await expect(transcodeUpload(deps, first, "worker-1", new AbortController().signal)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await outboxFor(upload.id)).toHaveLength(1);

    // And the catalog stores a redelivered TrackPublished once.
    const event = events[0]?.event as unknown as TunecEvent<"tunec.ingestion.track-published.v1">;
    for (let i = 0; i < 2; i++) {
      await database.db.transaction().execute((trx) => applyTrackPublished(event, trx, { logger }));
    }
    expect(await database.db.selectFrom("catalog.tracks").select("id").where("id", "=", upload.track_id).execute()).toHaveLength(1);
    expect(await database.db.selectFrom("catalog.renditions").select("id").where("track_id", "=", upload.track_id).execute()).toHaveLength(2);
  });
});
