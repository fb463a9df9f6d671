/**
 * Every change to a playlist runs through `mutatePlaylist`: authorize, check
 * If-Match, then bump the version with a compare-and-set that also locks the
 * row. Two writers holding the same ETag serialise on that lock; the second
 * finds the version moved on and gets 412, and checks made after the lock
 * (the 10,000-track limit) see every committed change.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import { AppError } from "../../../../shared/errors.ts";
import { authorize, type Need } from "./access.ts";
import { ifMatchVersions, staleVersion } from "./etag.ts";
import { findPlaylist, type PlaylistRecord, type PlaylistRole } from "./repository.ts";

export interface LockedPlaylist {
  id: string;
  owner_id: string;
  track_count: number;
  version: string;
}

export interface Mutation {
  playlistId: string;
  userId: string;
  ifMatch: string | undefined;
  need: Exclude<Need, "view">;
}

export interface MutationResult<R> {
  result: R;
  role: PlaylistRole;
  /** The playlist after the change; undefined once deleted. */
  playlist: PlaylistRecord | undefined;
}

export async function mutatePlaylist<R>(
  db: Kysely<Database>,
  mutation: Mutation,
  work: (trx: Transaction<Database>, locked: LockedPlaylist) => Promise<R>,
): Promise<MutationResult<R>> {
  return db.transaction().execute(async (trx) => {
    const { playlist, role } = await authorize(trx, mutation.playlistId, mutation.userId, mutation.need);
    const versions = ifMatchVersions(mutation.ifMatch);
    if (!versions.includes(playlist.version)) throw staleVersion(playlist.version);
    const locked = await trx
      .updateTable("users.playlists")
      .set({ version: sql`version + 1`, updated_at: new Date() })
      .where("id", "=", mutation.playlistId)
      .where("version", "in", versions)
      .returning(["id", "owner_id", "track_count", "version"])
      .executeTakeFirst();
    if (!locked) {
      // Another writer committed first with the same ETag (we waited on its lock).
      const current = await findPlaylist(trx, mutation.playlistId);
      if (!current) throw new AppError("NOT_FOUND", `No playlist ${mutation.playlistId}.`);
      throw staleVersion(current.version);
    }
    const result = await work(trx, { ...locked, version: String(locked.version) });
    return { result, role, playlist: await findPlaylist(trx, mutation.playlistId) };
  });
}
