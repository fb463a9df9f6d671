/** GET /admin/uploads: ingestion's uploads by state or artist, newest first, with why a rejected one was refused. */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { UploadState } from "../../shared/db/ingestion.table.ts";
import type { Position } from "./keyset.ts";

export interface UploadFilter {
  state?: UploadState;
  artistId?: string;
  before?: Position;
  /** Rows to fetch (the caller asks one more than a page to know whether a next one exists). */
  limit: number;
}

export async function listUploads(db: Kysely<Database>, filter: UploadFilter) {
  let query = db
    .selectFrom("ingestion.uploads")
    .select([
      "id",
      "track_id",
      "user_id",
      "artist_id",
      "title",
      "state",
      "filename",
      "declared_content_type",
      "declared_size_bytes",
      "size_bytes",
      "detected_format",
      "duration_ms",
      "attempts",
      "last_error",
      "rejection_code",
      "rejection_message",
      "created_at",
      "updated_at",
      "uploaded_at",
      "validated_at",
      "published_at",
      "rejected_at",
      sql<string>`created_at::text`.as("created_at_exact"),
    ])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit);
  if (filter.state) query = query.where("state", "=", filter.state);
  if (filter.artistId) query = query.where("artist_id", "=", filter.artistId);
  if (filter.before) query = query.where(sql<boolean>`(created_at, id) < (${filter.before.at}::timestamptz, ${filter.before.id}::uuid)`);
  return query.execute();
}

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

export function uploadView(row: Awaited<ReturnType<typeof listUploads>>[number]) {
  return {
    id: row.id,
    track_id: row.track_id,
    user_id: row.user_id,
    artist_id: row.artist_id,
    title: row.title,
    state: row.state,
    filename: row.filename,
    declared_content_type: row.declared_content_type,
    declared_size_bytes: Number(row.declared_size_bytes),
    size_bytes: row.size_bytes === null ? null : Number(row.size_bytes),
    detected_format: row.detected_format,
    duration_ms: row.duration_ms,
    attempts: row.attempts,
    last_error: row.last_error,
    rejection: row.rejection_code ? { code: row.rejection_code, message: row.rejection_message ?? "" } : null,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    uploaded_at: iso(row.uploaded_at),
    validated_at: iso(row.validated_at),
    published_at: iso(row.published_at),
    rejected_at: iso(row.rejected_at),
  };
}
