/**
 * The catalog facts an upload request needs while the artist waits: which
 * artist profile it is for (one the account manages, catalog.artist_managers),
 * and that the release, its position and the featured artists it names are
 * valid. Read-only: ingestion never writes the catalog schema.
 */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";
import { artistsManagedBy } from "../../catalog/artist-managers.ts";

/**
 * The artist profile an upload is for: the one named (it must be managed by
 * the account), else the named release's, else the only profile the account
 * manages. An account managing several must say which.
 */
export async function artistProfileOf(
  db: Kysely<Database>,
  userId: string,
  request: { artistId?: string | undefined; releaseId?: string | undefined } = {},
): Promise<string> {
  const managed = await artistsManagedBy(db, userId);
  if (managed.length === 0) {
    throw new AppError("CONFLICT", "This account manages no artist profile yet; an admin approves an artist application (or links a profile) before uploads.");
  }
  if (request.artistId !== undefined) {
    if (!managed.includes(request.artistId)) throw new AppError("FORBIDDEN", `You do not manage the artist profile ${request.artistId}.`);
    return request.artistId;
  }
  if (request.releaseId !== undefined) {
    const release = await db.selectFrom("catalog.albums").select("artist_id").where("id", "=", request.releaseId).executeTakeFirst();
    if (release && managed.includes(release.artist_id)) return release.artist_id;
    throw notYourRelease();
  }
  const [only, ...others] = managed;
  if (only === undefined || others.length > 0) {
    throw new AppError("VALIDATION_FAILED", "You manage several artist profiles; name one with artist_id.", {
      errors: [{ field: "body.artist_id", message: "required when the account manages several artist profiles" }],
    });
  }
  return only;
}

function notYourRelease(): AppError {
  return new AppError("VALIDATION_FAILED", "release_id is not one of this artist profile's releases.", {
    errors: [{ field: "body.release_id", message: "not one of this artist profile's releases" }],
  });
}

export async function checkCredits(
  db: Kysely<Database>,
  artistId: string,
  request: { releaseId: string | undefined; position: number | undefined; featuredArtistIds: string[] },
): Promise<void> {
  if (request.releaseId) {
    const release = await db.selectFrom("catalog.albums").select("artist_id").where("id", "=", request.releaseId).executeTakeFirst();
    if (!release || release.artist_id !== artistId) throw notYourRelease();
    if (request.position !== undefined) await checkPositionFree(db, request.releaseId, request.position);
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

/**
 * A position is taken by a track of the release, or by another upload still
 * on its way there (not refused, its URL not expired, its track not stored
 * yet: once stored, the track's own position is the one that counts).
 */
async function checkPositionFree(db: Kysely<Database>, releaseId: string, position: number): Promise<void> {
  const track = await db.selectFrom("catalog.tracks").select("id").where("album_id", "=", releaseId).where("position", "=", position).executeTakeFirst();
  const upload = track
    ? undefined
    : await db
        .selectFrom("ingestion.uploads as u")
        .select("u.id")
        .where("u.album_id", "=", releaseId)
        .where("u.position", "=", position)
        .where("u.state", "<>", "rejected")
        .where((eb) => eb.or([eb("u.state", "<>", "awaiting_upload"), eb("u.url_expires_at", ">", sql<Date>`now()`)]))
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom("catalog.tracks as t").select("t.id").whereRef("t.id", "=", "u.track_id"))))
        .executeTakeFirst();
  if (track || upload) throw new AppError("CONFLICT", `Position ${position} on this release is taken${upload ? " by an upload on its way" : ""}.`);
}
