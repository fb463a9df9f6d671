/**
 * Seeds the demo catalog through the real pipeline: the artists and albums an
 * admin would create, then each track's synthesised source in the bucket and
 * a completed upload, exactly as an artist's would be after
 * POST /uploads/{id}/complete. The validator, transcoder and catalog writer
 * take it from there. Idempotent: ids derive from names, and tracks whose
 * upload exists are skipped.
 */
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { sourceKey } from "../../workers/ingestion/domain/keys.ts";
import { fileBody, scratchDirectory } from "../ingestion/files.ts";
import { demoCatalog, type DemoTrack } from "./catalog.ts";
import { demoId, demoUploaderId } from "./demo-ids.ts";
import { demoContentTypes, formatsWithCover, synthesiseTrack } from "./synth.ts";
import { stat } from "node:fs/promises";

export interface SeedResult {
  /** Upload ids of every demo track. */
  uploadIds: string[];
  queued: number;
  alreadyThere: number;
}

export interface SeedOptions {
  db: Kysely<Database>;
  store: ObjectStore;
  logger: Logger;
  signal?: AbortSignal;
  ffmpeg?: string;
  /** Which bucket the sources went to, as the edge records it. */
  storage?: "r2" | "s3";
}

export async function seedDemoCatalog(options: SeedOptions): Promise<SeedResult> {
  const { db } = options;
  const artistIds = new Map(demoCatalog.map((artist) => [artist.name, demoId("artist", artist.name)]));
  await db
    .insertInto("catalog.artists")
    .values(demoCatalog.map((artist) => ({ id: demoId("artist", artist.name), name: artist.name, bio: artist.bio })))
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();

  const scratch = await scratchDirectory("demo", "seed");
  const result: SeedResult = { uploadIds: [], queued: 0, alreadyThere: 0 };
  try {
    let seed = 0;
    for (const artist of demoCatalog) {
      const artistId = artistIds.get(artist.name) ?? demoId("artist", artist.name);
      for (const album of artist.albums) {
        const albumId = demoId("album", `${artist.name}/${album.title}`);
        await db
          .insertInto("catalog.albums")
          .values({ id: albumId, title: album.title, artist_id: artistId, kind: album.kind, release_date: album.releaseDate })
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
        const coverCarrier = album.tracks.find((track) => formatsWithCover.includes(track.format));
        for (const [index, track] of album.tracks.entries()) {
          options.signal?.throwIfAborted();
          const uploadId = demoId("upload", `${artist.name}/${album.title}/${track.title}`);
          result.uploadIds.push(uploadId);
          seed++;
          const exists = await db.selectFrom("ingestion.uploads").select("id").where("id", "=", uploadId).executeTakeFirst();
          if (exists) {
            result.alreadyThere++;
            continue;
          }
          const file = join(scratch.dir, `${uploadId}.${track.format}`);
          await synthesiseTrack(track, file, {
            seed,
            ...(track === coverCarrier ? { cover: album.cover } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
            ...(options.ffmpeg ? { ffmpeg: options.ffmpeg } : {}),
          });
          await queueUpload(options, {
            uploadId,
            artistId,
            albumId,
            position: index + 1,
            language: artist.language,
            genres: artist.genres,
            track,
            file,
            artistIds,
          });
          result.queued++;
        }
      }
    }
  } finally {
    await scratch.dispose();
  }
  options.logger.info("demo catalog seeded", { queued: result.queued, already_there: result.alreadyThere });
  return result;
}

async function queueUpload(
  options: SeedOptions,
  upload: {
    uploadId: string;
    artistId: string;
    albumId: string;
    position: number;
    language: string;
    genres: string[];
    track: DemoTrack;
    file: string;
    artistIds: Map<string, string>;
  },
): Promise<void> {
  const size = (await stat(upload.file)).size;
  const contentType = demoContentTypes[upload.track.format];
  await options.store.put(sourceKey(upload.uploadId), fileBody(upload.file), { contentType, contentLength: size });
  await options.db
    .insertInto("ingestion.uploads")
    .values({
      id: upload.uploadId,
      track_id: demoId("track", upload.uploadId),
      user_id: demoUploaderId,
      artist_id: upload.artistId,
      title: upload.track.title,
      album_id: upload.albumId,
      position: upload.position,
      explicit: upload.track.explicit ?? false,
      genres: upload.genres,
      language: upload.language,
      featured_artist_ids: (upload.track.featuring ?? []).map((name) => upload.artistIds.get(name) ?? demoId("artist", name)),
      declared_content_type: contentType,
      declared_size_bytes: size,
      filename: `${upload.track.title}.${upload.track.format}`,
      storage: options.storage ?? "r2",
      source_key: sourceKey(upload.uploadId),
      state: "uploaded",
      url_expires_at: new Date(),
      size_bytes: size,
      uploaded_at: new Date(),
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/** Waits until every demo upload is published or rejected; returns the counts. */
export async function waitForDemo(
  db: Kysely<Database>,
  uploadIds: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ published: number; rejected: number; pending: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.selectFrom("ingestion.uploads").select(["state"]).where("id", "in", uploadIds).execute();
    const published = rows.filter((row) => row.state === "published").length;
    const rejected = rows.filter((row) => row.state === "rejected").length;
    const pending = uploadIds.length - published - rejected;
    if (pending === 0 || Date.now() > deadline || signal?.aborted) return { published, rejected, pending };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
