/**
 * The ingestion context's repository, shared by the edge routes and the origin
 * workers (plain Kysely, Web-standard). Every state change checks the state it
 * leaves (and, for origin workers, that the caller still holds the lease), so
 * two writers never both move one upload; a rejection and its UploadRejected
 * event commit in one transaction.
 */
import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { UploadState, UploadsTable } from "../../../shared/db/ingestion.table.ts";
import { uploadRejectionCodes } from "../../../shared/events/ingestion-events.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";

export type UploadRow = Selectable<UploadsTable>;
export type RejectionCode = (typeof uploadRejectionCodes)[number];

export const ingestionSource = "/tunec/ingestion";

function isRejectionCode(code: string): code is RejectionCode {
  return (uploadRejectionCodes as readonly string[]).includes(code);
}

export async function findUpload(db: Kysely<Database>, id: string): Promise<UploadRow | undefined> {
  return db.selectFrom("ingestion.uploads").selectAll().where("id", "=", id).executeTakeFirst();
}

export interface Rejection {
  code: RejectionCode;
  message: string;
  detectedFormat?: string | null | undefined;
  sizeBytes?: number | null | undefined;
  durationMs?: number | null | undefined;
  probe?: Record<string, unknown> | undefined;
}

export interface Guard {
  from: UploadState;
  /** Origin workers: the lease holder; a worker that lost its lease changes nothing. */
  owner?: string;
}

/**
 * Moves an upload to `rejected` with a reason the artist reads, and writes
 * UploadRejected in the same transaction. Returns false (and writes nothing)
 * when the guard no longer holds.
 */
export async function rejectUpload(trx: Kysely<Database>, upload: UploadRow, guard: Guard, rejection: Rejection, traceparent?: string): Promise<boolean> {
  let update = trx
    .updateTable("ingestion.uploads")
    .set({
      state: "rejected",
      rejection_code: rejection.code,
      rejection_message: rejection.message,
      detected_format: rejection.detectedFormat ?? null,
      ...(rejection.sizeBytes !== undefined && rejection.sizeBytes !== null ? { size_bytes: rejection.sizeBytes } : {}),
      ...(rejection.durationMs !== undefined && rejection.durationMs !== null ? { duration_ms: rejection.durationMs } : {}),
      ...(rejection.probe ? { probe: JSON.stringify(rejection.probe) } : {}),
      lease_owner: null,
      lease_until: null,
      rejected_at: new Date(),
      updated_at: new Date(),
    })
    .where("id", "=", upload.id)
    .where("state", "=", guard.from);
  if (guard.owner !== undefined) update = update.where("lease_owner", "=", guard.owner);
  const result = await update.executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await writeOutbox(trx, {
    type: "tunec.ingestion.upload-rejected.v1",
    source: ingestionSource,
    id: upload.rejected_event_id,
    ...(traceparent ? { traceparent } : {}),
    data: {
      uploadId: upload.id,
      trackId: upload.track_id,
      artistId: upload.artist_id,
      uploadedBy: upload.user_id,
      reason: { code: rejection.code, message: rejection.message },
      declaredContentType: upload.declared_content_type,
      detectedFormat: rejection.detectedFormat ?? null,
      sizeBytes: rejection.sizeBytes ?? null,
      durationMs: rejection.durationMs ?? null,
      rejectedAt: new Date().toISOString(),
    },
  });
  return true;
}

/**
 * Whether the catalog has stored the upload's track. The transcoder marks an
 * upload `published` when it writes TrackPublished; the catalog writer stores
 * the track a moment (or, with a lagging consumer, minutes) later.
 */
export async function isTrackStored(db: Kysely<Database>, upload: UploadRow): Promise<boolean> {
  if (upload.state !== "published") return false;
  return (await db.selectFrom("catalog.tracks").select("id").where("id", "=", upload.track_id).executeTakeFirst()) !== undefined;
}

/**
 * What GET /uploads/{id} shows the artist. `published` is a promise that
 * GET /tracks/{track_id} answers, so until the catalog holds the track the
 * upload is `publishing`.
 */
export function uploadView(upload: UploadRow, trackStored: boolean) {
  return {
    upload_id: upload.id,
    track_id: upload.track_id,
    status: upload.state === "published" && !trackStored ? ("publishing" as const) : upload.state,
    artist_id: upload.artist_id,
    release_id: upload.album_id,
    position: upload.position,
    title: upload.title,
    declared_content_type: upload.declared_content_type,
    declared_size_bytes: Number(upload.declared_size_bytes),
    size_bytes: upload.size_bytes === null ? null : Number(upload.size_bytes),
    detected_format: upload.detected_format,
    duration_ms: upload.duration_ms,
    loudness_lufs: upload.loudness_lufs === null ? null : Number(upload.loudness_lufs),
    rejection:
      upload.rejection_code && upload.rejection_message && isRejectionCode(upload.rejection_code)
        ? { code: upload.rejection_code, message: upload.rejection_message }
        : null,
    url_expires_at: upload.url_expires_at.toISOString(),
    created_at: upload.created_at.toISOString(),
    updated_at: upload.updated_at.toISOString(),
    published_at: upload.published_at?.toISOString() ?? null,
  };
}
