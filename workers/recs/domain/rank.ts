/**
 * The wave's ranking, a pure function of the candidates, the profile and the
 * session so it is tested without a database. Scores add up from the sources
 * that proposed a track (neighbours of what the listener liked, the artists and
 * genres of the taste, popularity); the session's live feedback then moves
 * whole artists (a like pulls its neighbours in through the seeds, a skip or a
 * dislike pushes the artist back at once), and a share of the slots goes to
 * exploration: popular tracks outside the listener's genres.
 */
import type { CandidateMeta } from "./candidates.ts";
import type { Profile, SessionState } from "./profile.ts";
import type { Reason } from "./reasons.ts";

export interface Candidate {
  id: string;
  score: number;
  reason: Reason;
  /** Proposed only as exploration (outside the taste). */
  explore?: boolean;
}

export interface Ranked {
  id: string;
  reason: Reason;
}

/** Fraction of a page given to exploration. */
export const explorationShare = 0.2;
/** Tracks of one artist in one page, so a strong artist does not fill the wave. */
const maxPerArtist = 2;
/** Score multiplier per session skip / dislike of an artist. */
const skipArtistFactor = 0.5;
const dislikeArtistFactor = 0.15;
/** Tracks heard recently come after unheard ones of the same score. */
const heardFactor = 0.6;

export function rankWave(
  candidates: readonly Candidate[],
  meta: ReadonlyMap<string, CandidateMeta>,
  profile: Profile,
  session: SessionState,
  limit: number,
  random: () => number = Math.random,
): Ranked[] {
  const served = new Set(session.served.map((row) => row.trackId));
  const artistFactor = new Map<string, number>();
  for (const row of session.served) {
    if (row.feedback === "skip") artistFactor.set(row.artistId, (artistFactor.get(row.artistId) ?? 1) * skipArtistFactor);
    if (row.feedback === "dislike") artistFactor.set(row.artistId, (artistFactor.get(row.artistId) ?? 1) * dislikeArtistFactor);
  }
  // The best proposal of each track wins its reason; the scores of all proposals add up.
  const merged = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const existing = merged.get(candidate.id);
    if (!existing) merged.set(candidate.id, { ...candidate });
    else {
      const best = candidate.score > existing.score && !candidate.explore ? candidate : existing;
      merged.set(candidate.id, {
        id: candidate.id,
        score: existing.score + candidate.score,
        reason: best.reason,
        explore: Boolean(existing.explore && candidate.explore),
      });
    }
  }
  const eligible: Candidate[] = [];
  for (const candidate of merged.values()) {
    const track = meta.get(candidate.id);
    if (!track) continue; // not published (taken down, deleted) or unknown
    if (served.has(candidate.id) || profile.hidden.has(candidate.id)) continue;
    if (track.explicit && !profile.taste.allowExplicit) continue;
    const own = profile.trackScores.get(candidate.id) ?? 0;
    if (own < 0) continue; // skipped or unliked more than played: not again
    const heard = own > 0 ? heardFactor : 1;
    eligible.push({ ...candidate, score: candidate.score * heard * (artistFactor.get(track.artistId) ?? 1) });
  }
  eligible.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  const exploreSlots = limit >= 3 ? Math.max(1, Math.round(limit * explorationShare)) : 0;
  const main = eligible.filter((candidate) => !candidate.explore);
  const explore = eligible.filter((candidate) => candidate.explore);
  const picked: Ranked[] = [];
  const perArtist = new Map<string, number>();
  const take = (candidate: Candidate): boolean => {
    const artistId = meta.get(candidate.id)?.artistId ?? "";
    if ((perArtist.get(artistId) ?? 0) >= maxPerArtist) return false;
    if (picked.some((row) => row.id === candidate.id)) return false;
    perArtist.set(artistId, (perArtist.get(artistId) ?? 0) + 1);
    picked.push({ id: candidate.id, reason: candidate.reason });
    return true;
  };
  // Exploration picks at random from the top of its pool, so two waves explore differently.
  const explorePool = explore.slice(0, Math.max(exploreSlots * 4, 8));
  const exploration: Candidate[] = [];
  while (exploration.length < exploreSlots && explorePool.length > 0) {
    const [chosen] = explorePool.splice(Math.floor(random() * explorePool.length), 1);
    if (chosen) exploration.push(chosen);
  }
  for (const candidate of main) {
    if (picked.length >= limit - exploration.length) break;
    take(candidate);
  }
  // Exploration interleaves: every fifth slot or so, not a block at the end.
  for (const [index, candidate] of exploration.entries()) {
    const artistId = meta.get(candidate.id)?.artistId ?? "";
    if ((perArtist.get(artistId) ?? 0) >= maxPerArtist || picked.some((row) => row.id === candidate.id)) continue;
    perArtist.set(artistId, (perArtist.get(artistId) ?? 0) + 1);
    picked.splice(Math.min(picked.length, (index + 1) * 4), 0, { id: candidate.id, reason: candidate.reason });
  }
  // Too few for the page (small catalog, strict filters): fill with what is left, ignoring the artist cap.
  for (const candidate of [...main, ...explore]) {
    if (picked.length >= limit) break;
    if (!picked.some((row) => row.id === candidate.id)) picked.push({ id: candidate.id, reason: candidate.reason });
  }
  return picked.slice(0, limit);
}
