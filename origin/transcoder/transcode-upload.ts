import { join } from "node:path";
import { writeOutbox } from "../../shared/events/outbox.ts";
import { coverKey, renditionKey } from "../../workers/ingestion/domain/keys.ts";
import { ingestionSource, rejectUpload, type UploadRow } from "../../workers/ingestion/domain/uploads.ts";
import type { StoredRendition } from "../../shared/db/ingestion.table.ts";
import { downloadObject, fileBody, scratchDirectory } from "../ingestion/files.ts";
import { LeaseLostError } from "../ingestion/lease.ts";
import { giveUp, type PipelineDeps } from "../ingestion/validate-upload.ts";
import { isAudioFormat } from "../../shared/storage/audio-formats.ts";
import { encodeTrack } from "./encode.ts";

export interface TranscodeDeps extends PipelineDeps {
  timeoutMs: number;
  /** Tests: runs after the objects are written and before the commit (where a crash hurts most). */
  afterObjectsWritten?: (upload: UploadRow) => Promise<void>;
}

/** A v1 UploadRejected has no code of its own for this: `transcode_failed` with words the artist can act on keeps the contract. */
async function refuseChangedSource(deps: TranscodeDeps, upload: UploadRow, owner: string): Promise<void> {
  const message = "The file changed after it was checked; upload it again.";
  await deps.db.transaction().execute(async (trx) => {
    if (!(await rejectUpload(trx, upload, { from: "validated", owner }, { code: "transcode_failed", message }))) throw new LeaseLostError(upload.id);
  });
  await deps.store.delete(upload.source_key).catch(() => undefined);
  deps.logger.warn("upload refused: the source object changed after validation", { upload_id: upload.id });
}

/**
 * `validated` → `published`: renditions and cover go to deterministic keys
 * first, then one transaction records them and writes TrackPublished (with
 * the upload's reserved event id). A crash anywhere before the commit leaves
 * the upload `validated`; the retry overwrites the same objects and commits
 * once, so there is never a second track, rendition set or event.
 */
export async function transcodeUpload(deps: TranscodeDeps, upload: UploadRow, owner: string, signal: AbortSignal): Promise<void> {
  if (upload.attempts > deps.maxAttempts) return giveUp(deps, upload, owner, "transcoded");
  const scratch = await scratchDirectory("transcode", upload.id);
  try {
    const source = join(scratch.dir, "source");
    const downloaded = await downloadObject(deps.store, upload.source_key, source);
    if (downloaded === null) throw new Error(`the source object ${upload.source_key} is missing`);
    // Only the bytes validation checked are ever published: a source replaced after /complete is refused.
    if (upload.source_sha256 !== null && downloaded.sha256 !== upload.source_sha256) return refuseChangedSource(deps, upload, owner);
    const started = performance.now();
    const format = upload.detected_format;
    if (!isAudioFormat(format)) throw new Error(`the validated upload has no known format (${format})`);
    const encoded = await encodeTrack(source, scratch.dir, { format, timeoutMs: deps.timeoutMs, signal, ...(deps.ffmpeg ? { ffmpeg: deps.ffmpeg } : {}) });
    const renditions: StoredRendition[] = [];
    for (const rendition of encoded.renditions) {
      const objectKey = renditionKey(upload.track_id, rendition.file);
      await deps.store.put(objectKey, fileBody(rendition.path), { contentType: rendition.mimeType, contentLength: rendition.sizeBytes });
      renditions.push({
        quality: rendition.quality,
        objectKey,
        codec: rendition.codec,
        mimeType: rendition.mimeType,
        bitrateKbps: rendition.bitrateKbps,
        sizeBytes: rendition.sizeBytes,
      });
    }
    let cover: string | null = null;
    if (encoded.cover) {
      cover = coverKey(upload.track_id, encoded.cover.extension);
      await deps.store.put(cover, encoded.cover.data, { contentType: encoded.cover.contentType });
    }
    await deps.afterObjectsWritten?.(upload);

    const publishedAt = new Date();
    await deps.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable("ingestion.uploads")
        .set({
          state: "published",
          renditions: JSON.stringify(renditions),
          loudness_lufs: encoded.loudnessLufs,
          cover_key: cover,
          published_at: publishedAt,
          updated_at: publishedAt,
          attempts: 0,
          lease_owner: null,
          lease_until: null,
          last_error: null,
        })
        .where("id", "=", upload.id)
        .where("state", "=", "validated")
        .where("lease_owner", "=", owner)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) throw new LeaseLostError(upload.id);
      await writeOutbox(trx, {
        type: "tunec.ingestion.track-published.v1",
        source: ingestionSource,
        id: upload.published_event_id,
        data: {
          uploadId: upload.id,
          trackId: upload.track_id,
          artistId: upload.artist_id,
          uploadedBy: upload.user_id,
          title: upload.title,
          featuredArtistIds: upload.featured_artist_ids,
          albumId: upload.album_id,
          position: upload.position,
          durationMs: upload.duration_ms ?? 0,
          explicit: upload.explicit,
          genres: upload.genres,
          language: upload.language,
          isrc: upload.isrc,
          loudnessLufs: encoded.loudnessLufs,
          coverObjectKey: cover,
          renditions,
          publishedAt: publishedAt.toISOString(),
        },
      });
    });
    deps.logger.info("track published", {
      upload_id: upload.id,
      track_id: upload.track_id,
      loudness_lufs: encoded.loudnessLufs,
      transcode_ms: Math.round(performance.now() - started),
    });
  } finally {
    await scratch.dispose();
  }
}
