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

type Placement = { releaseId: string | null; position: number | null };

/**
 * Where the track goes: the release and position its upload named. The
 * position was free when the upload was created, but the artist may have
 * reordered the release since (PUT /me/releases/{id}/tracks): then, and when
 * the upload named no position, the track goes after the release's last
 * track, since failing the event would never store the track at all. The
 * release row is locked so two tracks arriving together never pick the same
 * position. A redelivered event keeps the placement it got the first time.
 */
async function placeInRelease(trx: Transaction<Database>, data: TunecEvent<"tunec.ingestion.track-published.v1">["data"], logger: Logger): Promise<Placement> {
  if (data.albumId === null) return { releaseId: null, position: null };
  const stored = await trx.selectFrom("catalog.tracks").select(["album_id", "position"]).where("id", "=", data.trackId).executeTakeFirst();
  if (stored) return { releaseId: stored.album_id, position: stored.position };
  const release = await trx.selectFrom("catalog.albums").select("artist_id").where("id", "=", data.albumId).forUpdate().executeTakeFirst();
  if (!release || release.artist_id !== data.artistId) {
    logger.warn("track's release is gone or not its artist's; stored without a release", { track_id: data.trackId, release_id: data.albumId });
    return { releaseId: null, position: null };
  }
  if (data.position !== null) {
    const taken = await trx
      .selectFrom("catalog.tracks")
      .select("id")
      .where("album_id", "=", data.albumId)
      .where("position", "=", data.position)
      .executeTakeFirst();
    if (!taken) return { releaseId: data.albumId, position: data.position };
  }
  const last = await trx
    .selectFrom("catalog.tracks")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("album_id", "=", data.albumId)
    .executeTakeFirst();
  const position = (last?.position ?? 0) + 1;
  if (data.position !== null)
    logger.warn("track's position on its release was taken; placed after the last track", {
      track_id: data.trackId,
      release_id: data.albumId,
      asked: data.position,
      position,
    });
  return { releaseId: data.albumId, position };
}

export async function applyTrackPublished(
  event: TunecEvent<"tunec.ingestion.track-published.v1">,
  trx: Transaction<Database>,
  context: { logger: Logger },
): Promise<void> {
  const data = event.data;
  const placement = await placeInRelease(trx, data, context.logger);
  const inserted = await trx
    .insertInto("catalog.tracks")
    .values({
      id: data.trackId,
      title: data.title,
      artist_id: data.artistId,
      album_id: placement.releaseId,
      position: placement.position,
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
      .values(
        data.featuredArtistIds.map((artistId, index) => ({ track_id: data.trackId, artist_id: artistId, role: "featured" as const, position: index + 1 })),
      )
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
  if (data.coverObjectKey && placement.releaseId) {
    // The first embedded cover becomes the release's cover; a cover its artist or an admin chose is never replaced.
    await trx
      .updateTable("catalog.albums")
      .set({ cover_key: data.coverObjectKey })
      .where("id", "=", placement.releaseId)
      .where("cover_key", "is", null)
      .execute();
  }
  context.logger.info(inserted.numInsertedOrUpdatedRows ? "track stored" : "track already stored", { track_id: data.trackId, upload_id: data.uploadId });
}
