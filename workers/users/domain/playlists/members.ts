/** Invited editors (inside `mutatePlaylist`) and followers (the follower's own state, no If-Match). */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../../../shared/db/database.ts";
import { AppError } from "../../../../shared/errors.ts";
import type { LockedPlaylist } from "./mutations.ts";

export const maxEditors = 50;

export async function inviteEditor(trx: Transaction<Database>, locked: LockedPlaylist, editorId: string): Promise<void> {
  if (editorId === locked.owner_id)
    throw new AppError("BAD_REQUEST", "The owner already edits this playlist.", { errors: [{ field: "path.userId", message: "the owner" }] });
  const count = await trx
    .selectFrom("users.playlist_editors")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("playlist_id", "=", locked.id)
    .executeTakeFirstOrThrow();
  if (Number(count.n) >= maxEditors) throw new AppError("CONFLICT", `A playlist has at most ${maxEditors} editors.`);
  // A read of auth's accounts while the owner waits: an invitation to nobody is a mistake worth reporting.
  const account = await trx.selectFrom("auth.accounts").select("id").where("id", "=", editorId).executeTakeFirst();
  if (!account) throw new AppError("NOT_FOUND", `No user ${editorId}.`);
  await trx
    .insertInto("users.playlist_editors")
    .values({ playlist_id: locked.id, user_id: editorId })
    .onConflict((oc) => oc.columns(["playlist_id", "user_id"]).doNothing())
    .execute();
}

/** The owner removes anyone; an editor may only leave. */
export async function removeEditor(trx: Transaction<Database>, locked: LockedPlaylist, callerId: string, editorId: string): Promise<void> {
  if (callerId !== locked.owner_id && callerId !== editorId) throw new AppError("FORBIDDEN", "Only the owner removes other editors; an editor may only leave.");
  const removed = await trx.deleteFrom("users.playlist_editors").where("playlist_id", "=", locked.id).where("user_id", "=", editorId).executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw new AppError("NOT_FOUND", `User ${editorId} is not an editor of this playlist.`);
}

export async function follow(db: Kysely<Database>, playlistId: string, userId: string): Promise<void> {
  await db
    .insertInto("users.playlist_followers")
    .values({ playlist_id: playlistId, user_id: userId })
    .onConflict((oc) => oc.columns(["playlist_id", "user_id"]).doNothing())
    .execute();
}

export async function unfollow(db: Kysely<Database>, playlistId: string, userId: string): Promise<void> {
  await db.deleteFrom("users.playlist_followers").where("playlist_id", "=", playlistId).where("user_id", "=", userId).execute();
}
