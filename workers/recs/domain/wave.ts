/**
 * GET /me/wave: candidates from the model tables around the listener's
 * profile, ranked by rank.ts, remembered in the session so none repeats.
 * A brand-new listener has no signals: the onboarding taste (genres, artists)
 * or, without one, overall popularity seeds the wave.
 */
import { type Kysely, type RawBuilder, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";
import type { CandidateMeta } from "./candidates.ts";
import { collaborativeScores } from "./collaborative.ts";
import { type Candidate, type Ranked, rankWave } from "./rank.ts";
import { loadWave, type WaveDepths, type WaveRead } from "./wave-state.ts";

const depths: WaveDepths = {
  maxSeeds: 20,
  // All of a seed's stored list (the trainer keeps K = 50): recommend() sums over them as the evaluation does.
  perSeed: 50,
  // A like in this session adds this much preference to the track (the live pull of similar tracks).
  liveLikeBoost: 3,
  topArtists: 5,
  topGenres: 3,
  chosenArtists: 10,
  segmentDepth: 50,
  allDepth: 100,
  perArtist: 5,
};

function add(map: Map<string, number>, key: string, weight: number): void {
  map.set(key, (map.get(key) ?? 0) + weight);
}

/** Weight of recommend()'s score against the other sources (its sums are about 1–3 for a liked seed). */
const collaborativeWeight = 2;
/** Collaborative candidates kept per request: far more than a page, so filters and feedback have room. */
const collaborativeDepth = 200;

/**
 * Candidates of every source, scored, from what loadWave read. `liveLikes` are
 * this session's likes, the strongest seeds (the statement chose the seeds with
 * the same boost).
 */
export function gatherCandidates(read: WaveRead, liveLikes: readonly string[]): { candidates: Candidate[]; topGenres: Set<string> } {
  const { profile, known, topArtists, topGenres, chosenArtists } = read;
  const preferences = new Map([...profile.trackScores].filter(([id]) => !profile.hidden.has(id)));
  for (const id of liveLikes) add(preferences, id, depths.liveLikeBoost);
  const cold = read.seedCount === 0 && profile.taste.genres.length === 0 && chosenArtists.length === 0;
  const popular = read.popular.filter((row) => row.segment !== "all");
  const everywhere = read.popular.filter((row) => row.segment === "all");

  const candidates: Candidate[] = [];
  // The evaluated ranking (shared/recs/recommend.ts) over the listener's preferences and the seeds' lists.
  for (const row of collaborativeScores(preferences, read.neighbors, profile.hidden, collaborativeDepth)) {
    // A taken-down seed keeps no list (the statement expands published seeds only).
    const seed = known.get(row.because);
    if (!seed) continue;
    const liked = profile.liked.has(row.because) || liveLikes.includes(row.because);
    candidates.push({
      id: row.id,
      score: collaborativeWeight * row.score,
      reason: { code: liked ? "liked_similar" : "played_similar", params: { track: seed.title, track_id: seed.id } },
    });
  }
  const maxBySegment = new Map<string, number>();
  for (const row of read.popular) maxBySegment.set(row.segment, Math.max(maxBySegment.get(row.segment) ?? 0, row.score));
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
  const artistNames = new Map(topArtists.map((artist) => [artist.key, artist.name]));
  for (const track of read.artistTracks) {
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
function shapeExploration(candidates: Candidate[], meta: ReadonlyMap<string, CandidateMeta>, topGenres: ReadonlySet<string>): Candidate[] {
  return candidates.flatMap((candidate) => {
    if (!candidate.explore) return [candidate];
    const track = meta.get(candidate.id);
    if (!track || track.genres.some((genre) => topGenres.has(genre))) return [];
    const genre = track.genres[0];
    return [{ ...candidate, reason: { code: "explore" as const, params: genre ? { genre } : {} } }];
  });
}

/** Names the chosen artists of "chosen_artist" reasons (the wave statement read their names). */
function nameArtists(ranked: Ranked[], chosenArtists: ReadonlyArray<{ key: string; name: string }>): Ranked[] {
  const names = new Map(chosenArtists.map((artist) => [artist.key, artist.name]));
  return ranked.map((row) =>
    row.reason.code === "chosen_artist"
      ? { ...row, reason: { ...row.reason, params: { ...row.reason.params, artist: names.get(row.reason.params.artist_id ?? "") ?? "" } } }
      : row,
  );
}

/**
 * One round trip before the response: the listener's state and every
 * candidate (loadWave). The served rows are written by the caller in the
 * statement that reads the tracks' records (routes/wave.ts).
 */
export async function nextWave(
  db: Kysely<Database>,
  accountId: string,
  limit: number,
  random?: () => number,
): Promise<{ ranked: Ranked[]; served: ServedRow[]; sessionId: string }> {
  const read = await loadWave(db, accountId, depths);
  const { profile, session, meta } = read;
  const liveLikes = session.served.filter((row) => row.feedback === "like").map((row) => row.trackId);
  const { candidates, topGenres } = gatherCandidates(read, liveLikes);
  const ranked = nameArtists(rankWave(shapeExploration(candidates, meta, topGenres), meta, profile, session, limit, random), read.chosenArtists);
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
