import type { Kysely } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import { AppError } from "../../../../shared/errors.ts";
import { findPlaylist, roleOf, type PlaylistRecord, type PlaylistRole } from "./repository.ts";

/** What a route needs: to see the playlist, to change its tracks and name, or to own it. */
export type Need = "view" | "edit" | "own";

function notFound(id: string): AppError {
  return new AppError("NOT_FOUND", `No playlist ${id}.`);
}

/**
 * The playlist if the caller may do `need` with it. A private playlist the
 * caller has no part in is 404, exactly like a missing one, so ids leak nothing;
 * a visible one the caller may not change is 403.
 */
export async function authorize(
  db: Kysely<Database>,
  id: string,
  userId: string | undefined,
  need: Need,
): Promise<{ playlist: PlaylistRecord; role: PlaylistRole }> {
  const playlist = await findPlaylist(db, id);
  const role = playlist ? roleOf(playlist, userId) : undefined;
  if (!playlist || !role) throw notFound(id);
  if (need === "edit" && role === "viewer") throw new AppError("FORBIDDEN", "Only the owner and invited editors may change this playlist.");
  if (need === "own" && role !== "owner") throw new AppError("FORBIDDEN", "Only the playlist's owner may do this.");
  return { playlist, role };
}
