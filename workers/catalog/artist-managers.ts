/**
 * Which artist profiles an account manages (catalog.artist_managers). Runtime
 * neutral: the edge (uploads, curation, onboarding) and the origin both use it.
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../shared/db/database.ts";

type Db = Kysely<Database> | Transaction<Database>;

/** The artist ids an account manages, oldest link first. */
export async function artistsManagedBy(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom("catalog.artist_managers").select("artist_id").where("user_id", "=", userId).orderBy("added_at").execute();
  return rows.map((row) => row.artist_id);
}

export async function managesArtist(db: Db, userId: string, artistId: string): Promise<boolean> {
  const row = await db
    .selectFrom("catalog.artist_managers")
    .select("artist_id")
    .where("user_id", "=", userId)
    .where("artist_id", "=", artistId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Links an account to a profile; linking twice is a no-op. */
export async function addArtistManager(db: Db, input: { artistId: string; userId: string; addedBy: string | null }): Promise<void> {
  await db
    .insertInto("catalog.artist_managers")
    .values({ artist_id: input.artistId, user_id: input.userId, added_by: input.addedBy })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeArtistManager(db: Db, input: { artistId: string; userId: string }): Promise<boolean> {
  const result = await db.deleteFrom("catalog.artist_managers").where("artist_id", "=", input.artistId).where("user_id", "=", input.userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
