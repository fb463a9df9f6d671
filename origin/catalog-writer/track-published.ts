/**
 * The catalog's side of TrackPublished: the track, its credited artists and
 * renditions in one transaction (the consumer framework's, with the inbox
 * row), so a redelivered event changes nothing. `on conflict do nothing`
 * keeps it idempotent even without the inbox (e.g. a replayed dead letter).
 */
import type { Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import type { TunecEvent } from "../../shared/events/catalog.ts";
import type { Logger } from "../../shared/logger.ts";

export const catalogWriterGroup = "catalog-writer";
export const catalogWriterTopics = ["tunec.ingestion.uploads"];

/** BCP 47 (`ru-RU`) → the catalog's ISO 639 code (`ru`), or null when it has none. */
function isoLanguage(tag: string | null): string | null {
  const primary = tag?.split("-")[0]?.toLowerCase();
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : null;
}

export async function applyTrackPublished(
  event: TunecEvent<"tunec.ingestion.track-published.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const data = event.data;
  const inserted = await trx
    .insertInto("catalog.tracks")
    .values({
      id: data.trackId,
      title: data.title,
      artist_id: data.artistId,
      album_id: data.albumId,
      position: data.position,
      duration_ms: data.durationMs,
      explicit: data.explicit,
      genres: data.genres,
      language: isoLanguage(data.language),
      isrc: data.isrc,
      status: "published",
      published_at: data.publishedAt,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  if (data.featuredArtistIds.length > 0) {
    await trx
      .insertInto("catalog.track_artists")
      .values(data.featuredArtistIds.map((artistId, index) => ({ track_id: data.trackId, artist_id: artistId, role: "featured" as const, position: index + 1 })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await trx
    .insertInto("catalog.renditions")
    .values(
      data.renditions.map((rendition) => ({
        track_id: data.trackId,
        quality: rendition.quality,
        codec: rendition.codec,
        bitrate_kbps: rendition.bitrateKbps,
        object_key: rendition.objectKey,
        size_bytes: rendition.sizeBytes,
        loudness_lufs: data.loudnessLufs,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
  if (data.coverObjectKey && data.albumId) {
    // The first embedded cover becomes the album's cover; an admin's choice is never replaced.
    await trx.updateTable("catalog.albums").set({ cover_key: data.coverObjectKey }).where("id", "=", data.albumId).where("cover_key", "is", null).execute();
  }
  context.logger.info(inserted.numInsertedOrUpdatedRows ? "track stored" : "track already stored", { track_id: data.trackId, upload_id: data.uploadId });
}
