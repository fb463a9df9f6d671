/** Helpers of the ingestion suites: catalog rows an admin would create, and uploads as the edge records them. */
import { readFile } from "node:fs/promises";
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { UploadState } from "../../../shared/db/ingestion.table.ts";
import type { AudioFormat } from "../../../shared/storage/audio-formats.ts";
import type { ObjectStore } from "../../../shared/storage/object-store.ts";
import { sourceKey } from "../../../workers/ingestion/domain/keys.ts";
import type { UploadRow } from "../../../workers/ingestion/domain/uploads.ts";

export async function insertArtistProfile(
  db: Kysely<Database>,
  name: string,
  userId: string = crypto.randomUUID(),
): Promise<{ artistId: string; userId: string }> {
  const row = await db.insertInto("catalog.artists").values({ name, user_id: userId }).returning("id").executeTakeFirstOrThrow();
  return { artistId: row.id, userId };
}

export async function insertAlbum(db: Kysely<Database>, artistId: string, title: string): Promise<string> {
  return (await db.insertInto("catalog.albums").values({ title, artist_id: artistId, release_date: "2024-05-01" }).returning("id").executeTakeFirstOrThrow())
    .id;
}

/** An upload whose bytes are in the bucket and that its artist completed (state `uploaded`). */
const formatOfContentType: Record<string, AudioFormat> = {
  "audio/mpeg": "mp3",
  "audio/flac": "flac",
  "audio/wav": "wav",
  "audio/mp4": "m4a",
  "audio/ogg": "vorbis",
  "audio/aac": "aac",
};

export async function insertCompletedUpload(
  db: Kysely<Database>,
  store: ObjectStore,
  options: {
    artistId: string;
    userId: string;
    title: string;
    file: string;
    size: number;
    contentType: string;
    albumId?: string;
    position?: number;
    state?: UploadState;
    /** What validation found; for uploads inserted as `validated` it defaults from the content type. */
    detectedFormat?: AudioFormat;
    sourceSha256?: string;
  },
): Promise<UploadRow> {
  const id = crypto.randomUUID();
  // The fixtures' files are small: a buffered body lets the S3 client retry a PUT that met a
  // keep-alive socket the local S3 server had just closed ("socket hang up"), which a stream cannot.
  if (options.size > 0)
    await store.put(sourceKey(id), new Uint8Array(await readFile(options.file)), { contentType: options.contentType, contentLength: options.size });
  else await store.put(sourceKey(id), new Uint8Array(), { contentType: options.contentType });
  return db
    .insertInto("ingestion.uploads")
    .values({
      id,
      track_id: crypto.randomUUID(),
      user_id: options.userId,
      artist_id: options.artistId,
      title: options.title,
      album_id: options.albumId ?? null,
      position: options.position ?? null,
      genres: ["electronic"],
      language: "ru",
      declared_content_type: options.contentType,
      declared_size_bytes: Math.max(1, options.size),
      storage: "s3",
      source_key: sourceKey(id),
      state: options.state ?? "uploaded",
      detected_format: options.detectedFormat ?? (options.state === "validated" ? (formatOfContentType[options.contentType] ?? null) : null),
      source_sha256: options.sourceSha256 ?? null,
      url_expires_at: new Date(Date.now() + 900_000),
      uploaded_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function waitForState(db: Kysely<Database>, id: string, states: UploadState[], timeoutMs = 60_000): Promise<UploadRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.selectFrom("ingestion.uploads").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    if (states.includes(row.state)) return row;
    if (Date.now() > deadline) throw new Error(`upload ${id} still ${row.state} after ${timeoutMs} ms (last error: ${row.last_error ?? "none"})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
