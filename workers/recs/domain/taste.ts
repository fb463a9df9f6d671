/** PUT /me/taste: the onboarding choice, read by the wave at once (no training needed). */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { AppError } from "../../../shared/errors.ts";

export interface TasteInput {
  artistIds: string[];
  genres: string[];
  allowExplicit?: boolean | undefined;
}

/**
 * The artists as the wave can use them: an unknown id is the caller's mistake
 * (400, not a silently dead choice); a merged-away profile stands for its survivor.
 */
async function knownArtists(db: Kysely<Database>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const found = await db.selectFrom("catalog.artists").select(["id", "merged_into"]).where("id", "in", ids).execute();
  const missing = ids.filter((id) => !found.some((artist) => artist.id === id));
  if (missing.length > 0) {
    throw new AppError("VALIDATION_FAILED", `No artist has the id ${missing.join(", ")}.`, {
      errors: [{ field: "body.artist_ids", message: "no such artist" }],
    });
  }
  return [...new Set(found.map((artist) => artist.merged_into ?? artist.id))];
}

export async function saveTaste(db: Kysely<Database>, accountId: string, input: TasteInput): Promise<void> {
  const values = {
    artist_ids: await knownArtists(db, [...new Set(input.artistIds)]),
    genres: [...new Set(input.genres)],
    updated_at: new Date(),
    ...(input.allowExplicit === undefined ? {} : { allow_explicit: input.allowExplicit }),
  };
  await db
    .insertInto("recs.taste")
    .values({ account_id: accountId, ...values })
    .onConflict((oc) => oc.column("account_id").doUpdateSet(values))
    .execute();
}
