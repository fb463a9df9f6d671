/**
 * The catalog facts an upload request needs while the artist waits: which
 * artist profile the account manages, and that the album and featured artists
 * it names exist. Read-only: ingestion never writes the catalog schema.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../shared/db/database.ts";
import { AppError } from "../../shared/errors.ts";

export async function artistProfileOf(db: Kysely<Database>, userId: string): Promise<string> {
  const artist = await db.selectFrom("catalog.artists").select("id").where("user_id", "=", userId).executeTakeFirst();
  if (!artist) {
    throw new AppError("CONFLICT", "This account manages no artist profile yet; an admin links one (catalog.artists.user_id) before uploads.");
  }
  return artist.id;
}

export async function checkCredits(
  db: Kysely<Database>,
  artistId: string,
  request: { albumId: string | undefined; position: number | undefined; featuredArtistIds: string[] },
): Promise<void> {
  if (request.albumId) {
    const album = await db.selectFrom("catalog.albums").select("artist_id").where("id", "=", request.albumId).executeTakeFirst();
    if (!album || album.artist_id !== artistId) {
      throw new AppError("VALIDATION_FAILED", "album_id is not one of your albums.", { errors: [{ field: "body.album_id", message: "not one of your albums" }] });
    }
    if (request.position !== undefined) {
      const taken = await db.selectFrom("catalog.tracks").select("id").where("album_id", "=", request.albumId).where("position", "=", request.position).executeTakeFirst();
      if (taken) throw new AppError("CONFLICT", `Position ${request.position} on this album is taken.`);
    }
  }
  const featured = [...new Set(request.featuredArtistIds)].filter((id) => id !== artistId);
  if (featured.length > 0) {
    const found = await db.selectFrom("catalog.artists").select("id").where("id", "in", featured).execute();
    const missing = featured.filter((id) => !found.some((row) => row.id === id));
    if (missing.length > 0) {
      throw new AppError("VALIDATION_FAILED", "Some featured artists do not exist.", {
        errors: missing.map((id) => ({ field: "body.featured_artist_ids", message: `no artist ${id}` })),
      });
    }
  }
}
