/**
 * GET /me/wave: candidates from the model tables around the listener's
 * profile, ranked by rank.ts, remembered in the session so none repeats.
 * A brand-new listener has no signals: the onboarding taste (genres, artists)
 * or, without one, overall popularity seeds the wave.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { type TrackMeta, waveCandidates } from "./candidates.ts";
import { collaborativeScores } from "./collaborative.ts";
import type { Profile } from "./profile.ts";
import { loadWaveState } from "./wave-state.ts";
import { type Candidate, type Ranked, rankWave } from "./rank.ts";

/** Seeds (the listener's strongest recent tracks) expanded per request. */
const maxSeeds = 20;
/** All of a seed's stored list (the trainer keeps K = 50): recommend() sums over them as the evaluation does. */
const neighborsPerSeed = 50;
const popularDepth = 50;
const exploreDepth = 100;
const tracksPerArtist = 5;

interface Weighted {
  key: string;
  weight: number;
}

function top(weights: Map<string, number>, count: number): Weighted[] {
  return [...weights]
    .filter(([, weight]) => weight > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([key, weight]) => ({ key, weight }));
}

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

/** Weight of recommend()'s score against the other sources (its sums are about 1–3 for a liked seed). */
const collaborativeWeight = 2;
/** Collaborative candidates kept per request: far more than a page, so filters and feedback have room. */
const collaborativeDepth = 200;
/** A like in this session adds this much preference to the track (the live pull of similar tracks). */
const liveLikeBoost = 3;

/**
 * Candidates of every source for a profile, in one statement. `liveLikes` are
 * this session's likes, the strongest seeds. `known` holds the catalog rows of
 * the profile's tracks (loadWaveState read them); the returned meta adds the
 * candidates'.
 */
export async function gatherCandidates(
  db: Kysely<Database>,
  profile: Profile,
  liveLikes: readonly string[],
  known: ReadonlyMap<string, TrackMeta>,
): Promise<{ candidates: Candidate[]; topGenres: Set<string>; meta: Map<string, TrackMeta> }> {
  const preferences = new Map([...profile.trackScores].filter(([id]) => !profile.hidden.has(id)));
  for (const id of liveLikes) add(preferences, id, liveLikeBoost);
  const seeds = top(preferences, maxSeeds);
  const seedMeta = known;
  const maxSeed = seeds[0]?.weight ?? 1;
  const artistWeights = new Map<string, number>();
  const genreWeights = new Map<string, number>();
  const languageWeights = new Map<string, number>();
  const artistNames = new Map<string, string>();
  for (const seed of seeds) {
    const meta = seedMeta.get(seed.key);
    if (!meta) continue;
    const weight = seed.weight / maxSeed;
    add(artistWeights, meta.artistId, weight);
    artistNames.set(meta.artistId, meta.artistName);
    for (const genre of meta.genres) add(genreWeights, genre, weight);
    if (meta.language && meta.language !== "zxx") add(languageWeights, meta.language, weight);
  }
  for (const genre of profile.taste.genres) add(genreWeights, genre, 1);
  const topArtists = top(artistWeights, 5);
  const topGenres = top(genreWeights, 3);
  const topLanguage = top(languageWeights, 1);
  const chosenArtists = profile.taste.artistIds.filter((id) => !artistWeights.has(id)).slice(0, 10);
  const cold = seeds.length === 0 && profile.taste.genres.length === 0 && chosenArtists.length === 0;
  const segments = [...topGenres.map((genre) => `genre:${genre.key}`), ...topLanguage.map((language) => `language:${language.key}`)];

  // A taken-down seed keeps no list: its neighbours would lose their reason.
  const found = await waveCandidates(db, {
    seeds: seeds.map((seed) => seed.key).filter((id) => seedMeta.has(id)),
    perSeed: neighborsPerSeed,
    segments,
    segmentDepth: popularDepth,
    allDepth: exploreDepth,
    artistIds: [...topArtists.map((artist) => artist.key), ...chosenArtists],
    perArtist: tracksPerArtist,
  });
  const meta = new Map([...seedMeta, ...found.meta]);
  const popular = found.popular.filter((row) => row.segment !== "all");
  const everywhere = found.popular.filter((row) => row.segment === "all");

  const candidates: Candidate[] = [];
  // The evaluated ranking (shared/recs/recommend.ts) over the listener's preferences and the seeds' lists.
  for (const row of collaborativeScores(preferences, found.neighbors, profile.hidden, collaborativeDepth)) {
    const seed = seedMeta.get(row.because);
    if (!seed) continue;
    const liked = profile.liked.has(row.because) || liveLikes.includes(row.because);
    candidates.push({
      id: row.id,
      score: collaborativeWeight * row.score,
      reason: { code: liked ? "liked_similar" : "played_similar", params: { track: seed.title, track_id: seed.id } },
    });
  }
  const maxBySegment = new Map<string, number>();
  for (const row of found.popular) maxBySegment.set(row.segment, Math.max(maxBySegment.get(row.segment) ?? 0, row.score));
  const genreWeight = new Map(topGenres.map((genre) => [`genre:${genre.key}`, genre.weight / (topGenres[0]?.weight ?? 1)]));
  for (const row of popular) {
    const relative = row.score / (maxBySegment.get(row.segment) || 1);
    if (row.segment.startsWith("genre:")) {
      candidates.push({
        id: row.id,
        score: 0.8 * (genreWeight.get(row.segment) ?? 0) * relative,
        reason: { code: "genre_popular", params: { genre: row.segment.slice(6) } },
      });
    } else {
      candidates.push({ id: row.id, score: 0.3 * relative, reason: { code: "language_popular", params: { language: row.segment.slice(9) } } });
    }
  }
  const artistWeight = new Map(topArtists.map((artist) => [artist.key, artist.weight / (topArtists[0]?.weight ?? 1)]));
  for (const track of found.artistTracks) {
    const chosen = !artistWeight.has(track.artistId);
    candidates.push({
      id: track.id,
      score: chosen ? 0.9 : 1 * (artistWeight.get(track.artistId) ?? 0),
      reason: chosen
        ? { code: "chosen_artist", params: { artist_id: track.artistId } }
        : { code: "more_from_artist", params: { artist: artistNames.get(track.artistId) ?? "", artist_id: track.artistId } },
    });
  }
  for (const row of everywhere) {
    const relative = row.score / (maxBySegment.get("all") || 1);
    // Without any taste, overall popularity is the wave; otherwise it is the exploration pool.
    candidates.push(
      cold
        ? { id: row.id, score: relative, reason: { code: "popular", params: {} } }
        : { id: row.id, score: relative, reason: { code: "explore", params: {} }, explore: true },
    );
  }
  return { candidates, topGenres: new Set(topGenres.map((genre) => genre.key)), meta };
}

/** Exploration stays outside the listener's genres; its reason names the genre it explores. */
function shapeExploration(candidates: Candidate[], meta: ReadonlyMap<string, TrackMeta>, topGenres: ReadonlySet<string>): Candidate[] {
  return candidates.flatMap((candidate) => {
    if (!candidate.explore) return [candidate];
    const track = meta.get(candidate.id);
    if (!track || track.genres.some((genre) => topGenres.has(genre))) return [];
    const genre = track.genres[0];
    return [{ ...candidate, reason: { code: "explore" as const, params: genre ? { genre } : {} } }];
  });
}

/** Names the chosen artists of "chosen_artist" reasons (the catalog rows were read anyway). */
function nameArtists(ranked: Ranked[], meta: ReadonlyMap<string, TrackMeta>): Ranked[] {
  return ranked.map((row) =>
    row.reason.code === "chosen_artist"
      ? { ...row, reason: { ...row.reason, params: { ...row.reason.params, artist: meta.get(row.id)?.artistName ?? "" } } }
      : row,
  );
}

/**
 * Two round trips before the response: the listener's state (loadWaveState)
 * and the candidates (waveCandidates). The served rows are written by the
 * caller in the statement that reads the tracks' records (routes/wave.ts).
 */
export async function nextWave(
  db: Kysely<Database>,
  accountId: string,
  limit: number,
  random?: () => number,
): Promise<{ ranked: Ranked[]; served: ServedRow[]; sessionId: string }> {
  const { profile, session, meta: known } = await loadWaveState(db, accountId);
  const liveLikes = session.served.filter((row) => row.feedback === "like").map((row) => row.trackId);
  const { candidates, topGenres, meta } = await gatherCandidates(db, profile, liveLikes, known);
  const ranked = nameArtists(rankWave(shapeExploration(candidates, meta, topGenres), meta, profile, session, limit, random), meta);
  return {
    ranked,
    served: ranked.map((row) => ({ trackId: row.id, artistId: meta.get(row.id)?.artistId ?? "" })),
    sessionId: session.sessionId,
  };
}

export interface ServedRow {
  trackId: string;
  artistId: string;
}

/**
 * The CTE that remembers a page as served in the session (never again in it),
 * to run in the statement reading the page's track records.
 */
export function recordServed(sessionId: string, served: readonly ServedRow[]): RawBuilder<unknown> {
  return sql`with recorded as (
    insert into recs.wave_served (session_id, track_id, artist_id)
    select ${sessionId}::uuid, track_id, artist_id from unnest(${served.map((row) => row.trackId)}::uuid[], ${served.map((row) => row.artistId)}::uuid[]) as s(track_id, artist_id)
    on conflict (session_id, track_id) do nothing)`;
}
