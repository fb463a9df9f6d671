/** Likes of tracks, albums and artists. The import helper writes the same table (insert … on conflict do nothing). */
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { LikeTargetKind } from "../../../shared/db/users.table.ts";
import { writeOutbox } from "../../../shared/events/outbox.ts";
import { usersSource } from "../schemas.ts";
import { utcMicros } from "./sql.ts";

export const likeKinds = ["track", "album", "artist"] as const satisfies readonly LikeTargetKind[];

export interface LikeRecord {
  kind: LikeTargetKind;
  id: string;
  /** RFC 3339 with microseconds: also the keyset position. */
  liked_at: string;
}

export interface LikePosition {
  at: string;
  kind: LikeTargetKind;
  id: string;
}

/**
 * Whether the catalog shows the target (published tracks only). A synchronous
 * read of the catalog's tables: the user waits for the answer.
 */
export async function likeTargetExists(db: Kysely<Database>, kind: LikeTargetKind, id: string): Promise<boolean> {
  const query =
    kind === "track"
      ? db.selectFrom("catalog.tracks").select("id").where("id", "=", id).where("status", "=", "published")
      : kind === "album"
        ? db.selectFrom("catalog.albums").select("id").where("id", "=", id)
        : db.selectFrom("catalog.artists").select("id").where("id", "=", id);
  return (await query.executeTakeFirst()) !== undefined;
}

/** What a like or unlike of each kind publishes (for recommendations), with the target's id under its own name. */
function likeEvent(kind: LikeTargetKind, userId: string, id: string, at: string, liked: boolean) {
  switch (kind) {
    case "track":
      return liked
        ? { type: "tunec.users.track-liked.v1" as const, data: { userId, trackId: id, likedAt: at } }
        : { type: "tunec.users.track-unliked.v1" as const, data: { userId, trackId: id, unlikedAt: at } };
    case "album":
      return liked
        ? { type: "tunec.users.album-liked.v1" as const, data: { userId, albumId: id, likedAt: at } }
        : { type: "tunec.users.album-unliked.v1" as const, data: { userId, albumId: id, unlikedAt: at } };
    case "artist":
      return liked
        ? { type: "tunec.users.artist-liked.v1" as const, data: { userId, artistId: id, likedAt: at } }
        : { type: "tunec.users.artist-unliked.v1" as const, data: { userId, artistId: id, unlikedAt: at } };
  }
}

/**
 * A like or unlike also goes to the outbox in the same transaction
 * (TrackLiked, AlbumLiked, ArtistLiked and their Unliked, for recommendations),
 * and only when it changed something: a repeated PUT publishes nothing, so the
 * signal is not counted twice.
 */
export async function addLike(db: Kysely<Database>, userId: string, kind: LikeTargetKind, id: string, traceparent?: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const added = await trx
      .insertInto("users.likes")
      .values({ user_id: userId, target_kind: kind, target_id: id })
      .onConflict((oc) => oc.columns(["user_id", "target_kind", "target_id"]).doNothing())
      .returning("created_at")
      .executeTakeFirst();
    if (!added) return;
    await writeOutbox(trx, {
      ...likeEvent(kind, userId, id, added.created_at.toISOString(), true),
      source: usersSource,
      ...(traceparent ? { traceparent } : {}),
    });
  });
}

export async function removeLike(db: Kysely<Database>, userId: string, kind: LikeTargetKind, id: string, traceparent?: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom("users.likes")
      .where("user_id", "=", userId)
      .where("target_kind", "=", kind)
      .where("target_id", "=", id)
      .returning("target_id")
      .executeTakeFirst();
    if (!removed) return;
    await writeOutbox(trx, { ...likeEvent(kind, userId, id, new Date().toISOString(), false), source: usersSource, ...(traceparent ? { traceparent } : {}) });
  });
}

/** Newest first, optionally of one kind; `after` is the previous page's last item. */
export async function listLikes(
  db: Kysely<Database>,
  userId: string,
  kind: LikeTargetKind | undefined,
  limit: number,
  after?: LikePosition,
): Promise<LikeRecord[]> {
  let query = db
    .selectFrom("users.likes")
    .select(["target_kind as kind", "target_id as id", utcMicros(sql`created_at`).as("liked_at")])
    .where("user_id", "=", userId);
  if (kind) query = query.where("target_kind", "=", kind);
  if (after) query = query.where(sql<boolean>`(created_at, target_kind, target_id) < (${after.at}::timestamptz, ${after.kind}, ${after.id}::uuid)`);
  return query.orderBy("created_at", "desc").orderBy("target_kind", "desc").orderBy("target_id", "desc").limit(limit).execute();
}
