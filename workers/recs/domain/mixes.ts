/**
 * Daily mixes: the listener's taste split by genre (the clusters are the
 * top genres of the strongest recent tracks, or of the onboarding taste), each
 * mix the listener's own tracks of that genre, their neighbours and the genre's
 * popular tracks. Built on the first request of a UTC day and cached for the
 * day in recs.daily_mixes; the tracks are re-read from the catalog on every
 * request, so a track taken down during the day drops out at once.
 */
import { type Kysely, sql } from "kysely";
import { z } from "zod";
import type { Database } from "../../../shared/db/database.ts";
import { popularIn, trackMeta, trackNeighbors } from "./candidates.ts";
import { loadProfile, type Profile } from "./profile.ts";

const maxMixes = 4;
const tracksPerMix = 25;

const mixSchema = z.object({ id: z.string().max(100), genre: z.string().max(200).nullable(), trackIds: z.array(z.uuid()).max(tracksPerMix) });
const cachedSchema = z.array(mixSchema).max(maxMixes);

export type Mix = z.infer<typeof mixSchema>;

function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

async function buildMixes(db: Kysely<Database>, profile: Profile): Promise<Mix[]> {
  const seeds = [...profile.trackScores]
    .filter(([id, score]) => score > 0 && !profile.hidden.has(id))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 50);
  const seedMeta = await trackMeta(
    db,
    seeds.map(([id]) => id),
  );
  const genreWeights = new Map<string, number>();
  const seedsByGenre = new Map<string, string[]>();
  for (const [id, score] of seeds) {
    const genre = seedMeta.get(id)?.genres[0];
    if (!genre) continue;
    genreWeights.set(genre, (genreWeights.get(genre) ?? 0) + score);
    seedsByGenre.set(genre, [...(seedsByGenre.get(genre) ?? []), id]);
  }
  for (const genre of profile.taste.genres) genreWeights.set(genre, (genreWeights.get(genre) ?? 0) + 0.5);
  const genres = [...genreWeights]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxMixes)
    .map(([genre]) => genre);
  if (genres.length === 0) {
    const popular = await popularIn(db, ["all"], tracksPerMix * 2);
    return [{ id: "popular", genre: null, trackIds: popular.map((row) => row.id).slice(0, tracksPerMix * 2) }];
  }
  const [neighbors, popular] = await Promise.all([
    trackNeighbors(
      db,
      seeds.map(([id]) => id),
      10,
    ),
    popularIn(
      db,
      genres.map((genre) => `genre:${genre}`),
      tracksPerMix * 2,
    ),
  ]);
  return genres.map((genre) => {
    const own = seedsByGenre.get(genre) ?? [];
    const near = neighbors.filter((row) => own.includes(row.seed)).map((row) => row.id);
    const hits = popular.filter((row) => row.segment === `genre:${genre}`).map((row) => row.id);
    // Alternate the listener's own, their neighbours and the genre's hits, so a mix is familiar and new at once.
    const ordered: string[] = [];
    for (let index = 0; index < tracksPerMix * 2; index += 1) for (const list of [own, near, hits]) if (list[index]) ordered.push(list[index] as string);
    return { id: `genre:${genre}`.slice(0, 100), genre, trackIds: [...new Set(ordered)].slice(0, tracksPerMix * 2) };
  });
}

/** The mixes of today, built once per listener and day; `now` is injectable for tests. */
export async function dailyMixes(db: Kysely<Database>, accountId: string, now = new Date()): Promise<Array<Mix & { fresh: boolean }>> {
  const day = utcDay(now);
  const profile = await loadProfile(db, accountId);
  const cached = await db
    .selectFrom("recs.daily_mixes")
    .select("mixes")
    .where("account_id", "=", accountId)
    .where(sql<boolean>`day = ${day}::date`)
    .executeTakeFirst();
  let mixes: Mix[];
  let fresh = false;
  const parsed = cached ? cachedSchema.safeParse(cached.mixes) : undefined;
  if (parsed?.success) mixes = parsed.data;
  else {
    mixes = (await buildMixes(db, profile)).map((mix) => ({ ...mix, trackIds: mix.trackIds.slice(0, tracksPerMix * 2) }));
    const stored = mixes.map((mix) => ({ ...mix, trackIds: mix.trackIds.slice(0, tracksPerMix) }));
    await db
      .insertInto("recs.daily_mixes")
      .values({ account_id: accountId, day, mixes: JSON.stringify(stored) })
      .onConflict((oc) => oc.columns(["account_id", "day"]).doNothing())
      .execute();
    // Yesterday's mixes are not served again.
    await db.deleteFrom("recs.daily_mixes").where("account_id", "=", accountId).where(sql<boolean>`day < ${day}::date`).execute();
    mixes = stored;
    fresh = true;
  }
  // Hidden and explicit filters apply on every read: a dislike today removes the track from today's mixes.
  const meta = await trackMeta(db, [...new Set(mixes.flatMap((mix) => mix.trackIds))]);
  return mixes.map((mix) => ({
    ...mix,
    fresh,
    trackIds: mix.trackIds.filter((id) => {
      const track = meta.get(id);
      return track !== undefined && !profile.hidden.has(id) && (profile.taste.allowExplicit || !track.explicit);
    }),
  }));
}
