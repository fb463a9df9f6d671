import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { Logger } from "../../shared/logger.ts";
import type { ObjectStore } from "../../shared/storage/object-store.ts";
import { rejectUpload, type UploadRow } from "../../workers/ingestion/domain/uploads.ts";
import { downloadObject, scratchDirectory } from "./files.ts";
import { LeaseLostError } from "./lease.ts";
import { probeAudio } from "./probe.ts";

export interface PipelineDeps {
  db: Kysely<Database>;
  store: ObjectStore;
  logger: Logger;
  ffmpeg?: string;
  /** Attempts in one state before the upload is refused as unprocessable. */
  maxAttempts: number;
}

/** Refuses an upload that failed `maxAttempts` times for reasons other than its content. */
export async function giveUp(deps: PipelineDeps, upload: UploadRow, owner: string, what: string): Promise<void> {
  const message = `The file could not be ${what} after ${deps.maxAttempts} attempts; please upload it again.`;
  await deps.db.transaction().execute(async (trx) => {
    if (!(await rejectUpload(trx, upload, { from: upload.state, owner }, { code: "transcode_failed", message }))) throw new LeaseLostError(upload.id);
  });
  deps.logger.error("upload given up", { upload_id: upload.id, last_error: upload.last_error });
}

/**
 * `uploaded` → `validated`, or → `rejected` with the reason and UploadRejected
 * in one transaction. A refused source is deleted after the commit: nothing of
 * a rejected upload stays in the bucket.
 */
export async function validateUpload(deps: PipelineDeps, upload: UploadRow, owner: string, signal: AbortSignal): Promise<void> {
  if (upload.attempts > deps.maxAttempts) return giveUp(deps, upload, owner, "checked");
  const scratch = await scratchDirectory("validate", upload.id);
  try {
    const path = join(scratch.dir, "source");
    const downloaded = await downloadObject(deps.store, upload.source_key, path);
    if (downloaded === null) throw new Error(`the source object ${upload.source_key} is missing`);
    const size = downloaded.size;
    const result = await probeAudio(path, size, upload.declared_content_type, { signal, ...(deps.ffmpeg ? { ffmpeg: deps.ffmpeg } : {}) });
    const probe = { ...result.report };
    await deps.db.transaction().execute(async (trx) => {
      if (result.ok) {
        const moved = await trx
          .updateTable("ingestion.uploads")
          .set({
            state: "validated",
            detected_format: result.format,
            duration_ms: result.durationMs,
            size_bytes: size,
            source_sha256: downloaded.sha256,
            probe: JSON.stringify(probe),
            validated_at: new Date(),
            updated_at: new Date(),
            attempts: 0,
            lease_owner: null,
            lease_until: null,
            last_error: null,
          })
          .where("id", "=", upload.id)
          .where("state", "=", "uploaded")
          .where("lease_owner", "=", owner)
          .executeTakeFirst();
        if (moved.numUpdatedRows === 0n) throw new LeaseLostError(upload.id);
      } else {
        const rejected = await rejectUpload(
          trx,
          upload,
          { from: "uploaded", owner },
          {
            code: result.code,
            message: result.message,
            detectedFormat: result.report.format ?? result.report.container ?? null,
            sizeBytes: size,
            durationMs: result.report.decodedDurationMs ?? result.report.headerDurationMs ?? null,
            probe,
          },
        );
        if (!rejected) throw new LeaseLostError(upload.id);
      }
    });
    if (result.ok) {
      deps.logger.info("upload validated", { upload_id: upload.id, format: result.format, duration_ms: result.durationMs });
    } else {
      deps.logger.info("upload rejected", { upload_id: upload.id, code: result.code, reason: result.message });
      await deps.store.delete(upload.source_key).catch((error: unknown) => deps.logger.warn("deleting a rejected source failed", { error }));
    }
  } finally {
    await scratch.dispose();
  }
}
