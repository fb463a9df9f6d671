/**
 * Daily mixes: the listener's taste split by genre (the clusters are the
 * top genres of the strongest recent tracks, or of the onboarding taste), each
 * mix the listener's own tracks of that genre, their neighbours and the genre's
 * popular tracks. Built on the first request of a UTC day and cached for the
 * day in recs.daily_mixes; the tracks are re-read from the catalog on every
 * request, so a track taken down during the day drops out at once.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import { z } from "zod";
import type { Database } from "../../../shared/db/database.ts";
import { findTracks, type TrackRecord } from "../../catalog/repository.ts";
import { halfLifeDays, recentSignals } from "./profile.ts";

const maxMixes = 4;
const tracksPerMix = 25;

const mixSchema = z.object({ id: z.string().max(100), genre: z.string().max(200).nullable(), trackIds: z.array(z.uuid()).max(tracksPerMix) });
const cachedSchema = z.array(mixSchema).max(maxMixes);

export type Mix = z.infer<typeof mixSchema>;

function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

interface MixState {
  /** Decayed signal sum per recent track, most recent signal first (seed ties keep that order). */
  scores: Array<[string, number]>;
  hidden: string[];
  tasteGenres: string[];
  allowExplicit: boolean;
  cached: unknown;
  /** First genre of the published profile tracks. */
  genres: Record<string, string | null>;
}

/**
 * Round trip 1, one statement: the profile (the wave's rules: profile.ts's
 * constants, wave-state.ts), today's cached mixes and the first genre of the profile's
 * published tracks (what the clusters are built from).
 */
async function loadMixState(db: Kysely<Database>, accountId: string, day: string): Promise<MixState> {
  const result = await sql<MixState>`
    with recent as (
      select track_id, weight, occurred_at, greatest(0, extract(epoch from now() - occurred_at) / 86400) as age_days
      from recs.interactions where account_id = ${accountId} order by occurred_at desc limit ${recentSignals}),
    scores as (
      select track_id, sum(weight::float8 * power(0.5::float8, age_days::float8 / ${halfLifeDays}))::float8 as score, max(occurred_at) as latest
      from recent group by track_id)
    select
      coalesce((select json_agg(json_build_array(track_id, score) order by latest desc) from scores), '[]') as scores,
      coalesce((select json_agg(track_id) from recs.hidden_tracks where account_id = ${accountId}), '[]') as hidden,
      coalesce((select to_json(genres) from recs.taste where account_id = ${accountId}), '[]') as "tasteGenres",
      coalesce((select allow_explicit from recs.taste where account_id = ${accountId}), true) as "allowExplicit",
      (select mixes from recs.daily_mixes where account_id = ${accountId} and day = ${day}::date) as cached,
      coalesce((
        select json_object_agg(t.id, t.genres[1]) from catalog.tracks t
        where t.status = 'published' and t.published_at is not null and t.id in (select track_id from scores)), '{}') as genres`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error("mix state statement returned nothing");
  return row;
}

/** Round trip 2 of a day's first request: the seeds' neighbours and the genres' popular tracks. */
async function loadMixSources(
  db: Kysely<Database>,
  seeds: readonly string[],
  genres: readonly string[],
): Promise<{ neighbors: Array<[string, string]>; popular: Array<[string, string]> }> {
  const segments = genres.length ? genres.map((genre) => `genre:${genre}`) : ["all"];
  const result = await sql<{ neighbors: Array<[string, string]>; popular: Array<[string, string]> }>`
    select
      coalesce((
        select json_agg(json_build_array(track_id, neighbor_id) order by track_id, rank) from recs.track_neighbors
        where track_id = any(${[...seeds]}::uuid[]) and rank < 10), '[]') as neighbors,
      coalesce((
        select json_agg(json_build_array(segment, track_id) order by segment, rank) from recs.popular_tracks
        where segment = any(${segments}::text[]) and rank < ${tracksPerMix * 2}), '[]') as popular`.execute(db);
  return result.rows[0] ?? { neighbors: [], popular: [] };
}

async function buildMixes(db: Kysely<Database>, state: MixState, hidden: ReadonlySet<string>): Promise<Mix[]> {
  const seeds = state.scores
    .filter(([id, score]) => score > 0 && !hidden.has(id))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 50);
  const genreWeights = new Map<string, number>();
  const seedsByGenre = new Map<string, string[]>();
  for (const [id, score] of seeds) {
    const genre = state.genres[id];
    if (!genre) continue;
    genreWeights.set(genre, (genreWeights.get(genre) ?? 0) + score);
    seedsByGenre.set(genre, [...(seedsByGenre.get(genre) ?? []), id]);
  }
  for (const genre of state.tasteGenres) genreWeights.set(genre, (genreWeights.get(genre) ?? 0) + 0.5);
  const genres = [...genreWeights]
    .sort((a, b) => b[1] - a[1])
    .slice(0, maxMixes)
    .map(([genre]) => genre);
  const sources = await loadMixSources(db, genres.length ? seeds.map(([id]) => id) : [], genres);
  if (genres.length === 0) return [{ id: "popular", genre: null, trackIds: sources.popular.map(([, id]) => id).slice(0, tracksPerMix * 2) }];
  return genres.map((genre) => {
    const own = seedsByGenre.get(genre) ?? [];
    const near = sources.neighbors.filter(([seed]) => own.includes(seed)).map(([, id]) => id);
    const hits = sources.popular.filter(([segment]) => segment === `genre:${genre}`).map(([, id]) => id);
    // Alternate the listener's own, their neighbours and the genre's hits, so a mix is familiar and new at once.
    const ordered: string[] = [];
    for (let index = 0; index < tracksPerMix * 2; index += 1) for (const list of [own, near, hits]) if (list[index]) ordered.push(list[index] as string);
    return { id: `genre:${genre}`.slice(0, 100), genre, trackIds: [...new Set(ordered)].slice(0, tracksPerMix * 2) };
  });
}

/**
 * The mixes of today, built once per listener and day, with their tracks'
 * catalog records; `now` is injectable for tests. Two round trips when today's
 * mixes are cached (state, records), three on the day's first request (state,
 * sources, records with the cache write in the same statement).
 */
export async function dailyMixes(db: Kysely<Database>, accountId: string, now = new Date()): Promise<Array<Mix & { fresh: boolean; tracks: TrackRecord[] }>> {
  const day = utcDay(now);
  const state = await loadMixState(db, accountId, day);
  const hidden = new Set(state.hidden);
  const parsed = state.cached ? cachedSchema.safeParse(state.cached) : undefined;
  let mixes: Mix[];
  let fresh = false;
  let write: RawBuilder<unknown> | undefined;
  if (parsed?.success) mixes = parsed.data;
  else {
    mixes = (await buildMixes(db, state, hidden)).map((mix) => ({ ...mix, trackIds: mix.trackIds.slice(0, tracksPerMix) }));
    fresh = true;
    // Written with the records' read; yesterday's mixes are not served again.
    write = sql`with stored as (
      insert into recs.daily_mixes (account_id, day, mixes) values (${accountId}, ${day}::date, ${JSON.stringify(mixes)}::jsonb)
      on conflict (account_id, day) do nothing),
    old as (delete from recs.daily_mixes where account_id = ${accountId} and day < ${day}::date)`;
  }
  const ids = [...new Set(mixes.flatMap((mix) => mix.trackIds))];
  if (ids.length === 0 && write) await sql`${write} select 1`.execute(db);
  const records = new Map((await findTracks(db, ids, write)).map((record) => [record.id, record]));
  // Hidden and explicit filters apply on every read: a dislike today removes the track from today's mixes.
  return mixes.map((mix) => {
    const tracks = mix.trackIds.flatMap((id) => {
      const record = records.get(id);
      return record && !hidden.has(id) && (state.allowExplicit || !record.explicit) ? [record] : [];
    });
    return { ...mix, fresh, trackIds: tracks.map((record) => record.id), tracks };
  });
}
