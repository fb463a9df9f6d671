/** PUT /me/taste: the onboarding choice, read by the wave at once (no training needed). */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

export interface TasteInput {
  artistIds: string[];
  genres: string[];
  allowExplicit?: boolean | undefined;
}

export async function saveTaste(db: Kysely<Database>, accountId: string, input: TasteInput): Promise<void> {
  const values = {
    artist_ids: [...new Set(input.artistIds)],
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
