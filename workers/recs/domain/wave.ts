/**
 * GET /me/wave: candidates from the model tables around the listener's
 * profile, ranked by rank.ts, remembered in the session so none repeats.
 * A brand-new listener has no signals: the onboarding taste (genres, artists)
 * or, without one, overall popularity seeds the wave.
 */
import type { Kysely } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import { type TrackMeta, popularIn, trackMeta, trackNeighbors, tracksOfArtists } from "./candidates.ts";
import { loadProfile, loadSession, type Profile, touchSession } from "./profile.ts";
import { type Candidate, type Ranked, rankWave } from "./rank.ts";

/** Seeds (the listener's strongest recent tracks) expanded per request. */
const maxSeeds = 20;
const neighborsPerSeed = 20;
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

/** Candidates of every source for a profile; `liveLikes` are this session's likes, the strongest seeds. */
export async function gatherCandidates(
  db: Kysely<Database>,
  profile: Profile,
  liveLikes: readonly string[],
): Promise<{ candidates: Candidate[]; topGenres: Set<string> }> {
  const seedScores = new Map([...profile.trackScores].filter(([id, score]) => score > 0 && !profile.hidden.has(id)));
  for (const id of liveLikes) add(seedScores, id, 3);
  const seeds = top(seedScores, maxSeeds);
  const seedMeta = await trackMeta(
    db,
    seeds.map((seed) => seed.key),
  );
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

  const [neighbors, popular, everywhere, artistTracks] = await Promise.all([
    trackNeighbors(
      db,
      seeds.map((seed) => seed.key),
      neighborsPerSeed,
    ),
    popularIn(db, segments, popularDepth),
    popularIn(db, ["all"], exploreDepth),
    tracksOfArtists(db, [...topArtists.map((artist) => artist.key), ...chosenArtists], tracksPerArtist),
  ]);

  const candidates: Candidate[] = [];
  const seedWeight = new Map(seeds.map((seed) => [seed.key, seed.weight / maxSeed]));
  for (const neighbor of neighbors) {
    const seed = seedMeta.get(neighbor.seed);
    if (!seed) continue; // the seed itself was taken down: its neighbours lose their reason
    const liked = profile.liked.has(neighbor.seed) || liveLikes.includes(neighbor.seed);
    candidates.push({
      id: neighbor.id,
      score: 3 * (seedWeight.get(neighbor.seed) ?? 0) * neighbor.score,
      reason: { code: liked ? "liked_similar" : "played_similar", params: { track: seed.title, track_id: seed.id } },
    });
  }
  const maxBySegment = new Map<string, number>();
  for (const row of [...popular, ...everywhere]) maxBySegment.set(row.segment, Math.max(maxBySegment.get(row.segment) ?? 0, row.score));
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
  for (const track of artistTracks) {
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
  return { candidates, topGenres: new Set(topGenres.map((genre) => genre.key)) };
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

export async function nextWave(db: Kysely<Database>, accountId: string, limit: number, random?: () => number): Promise<Ranked[]> {
  const sessionId = await touchSession(db, accountId);
  const [profile, session] = await Promise.all([loadProfile(db, accountId), loadSession(db, sessionId)]);
  const liveLikes = session.served.filter((row) => row.feedback === "like").map((row) => row.trackId);
  const { candidates, topGenres } = await gatherCandidates(db, profile, liveLikes);
  const meta = await trackMeta(db, [...new Set(candidates.map((candidate) => candidate.id))]);
  const ranked = nameArtists(rankWave(shapeExploration(candidates, meta, topGenres), meta, profile, session, limit, random), meta);
  if (ranked.length > 0) {
    await db
      .insertInto("recs.wave_served")
      .values(ranked.map((row) => ({ session_id: sessionId, track_id: row.id, artist_id: meta.get(row.id)?.artistId ?? "" })))
      .onConflict((oc) => oc.columns(["session_id", "track_id"]).doNothing())
      .execute();
  }
  return ranked;
}
