/**
 * Scoring a listener's next tracks from precomputed neighbours — the function
 * the offline evaluation measures (origin/recs/train/measure.ts) and the one the
 * edge's wave calls (workers/recs/domain/wave.ts), so the served collaborative
 * ranking is the evaluated one. Runtime-neutral: typed arrays and Maps only.
 *
 *   score(j) = Σ_{i ∈ profile} log(1 + p_i) · s_ij
 *
 * where p_i > 0 is the listener's time-decayed net preference for track i
 * (Σ signal weight · 2^(−age/half-life), shared/recs/signals.ts) and s_ij the
 * stored neighbour score (each list normalised to a maximum of 1). Tracks in
 * the profile, excluded tracks (disliked, skipped, taken down) are never
 * returned; the list is topped up from a popularity list. Ties: lower index.
 */
/** Top-K neighbour lists, row i at ids[i·k … i·k+k) (−1 ends a short list); scores best first. */
export interface Neighbours {
  n: number;
  k: number;
  ids: ArrayLike<number>;
  scores: ArrayLike<number>;
}

export interface Profile {
  items: ArrayLike<number>;
  /** Net decayed preference per item (> 0; others are ignored). */
  preferences: ArrayLike<number>;
}

export interface Recommendation {
  item: number;
  score: number;
  /** The profile track that contributed most ("because you liked …"), −1 for a popularity fill. */
  because: number;
}

export interface RecommendOptions {
  n: number;
  /** Non-zero for tracks that must not be returned. */
  exclude?: Uint8Array;
  /** Popular tracks to fill the list with, best first. */
  fallback?: ArrayLike<number>;
}

export function recommend(profile: Profile, neighbours: Neighbours, options: RecommendOptions): Recommendation[] {
  const { k } = neighbours;
  const scores = new Map<number, { score: number; because: number; best: number }>();
  const own = new Set<number>();
  for (let p = 0; p < profile.items.length; p++) own.add(profile.items[p] ?? -1);
  for (let p = 0; p < profile.items.length; p++) {
    const pref = profile.preferences[p] ?? 0;
    const i = profile.items[p] ?? -1;
    if (!(pref > 0) || i < 0 || i >= neighbours.n) continue;
    const w = Math.log1p(pref);
    for (let r = 0; r < k; r++) {
      const j = neighbours.ids[i * k + r] ?? -1;
      if (j < 0) break;
      if (own.has(j) || options.exclude?.[j]) continue;
      const c = w * (neighbours.scores[i * k + r] ?? 0);
      const entry = scores.get(j);
      if (!entry) scores.set(j, { score: c, because: i, best: c });
      else {
        entry.score += c;
        if (c > entry.best || (c === entry.best && i < entry.because)) {
          entry.best = c;
          entry.because = i;
        }
      }
    }
  }
  const ranked = [...scores.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, options.n);
  const out: Recommendation[] = ranked.map(([item, e]) => ({ item, score: e.score, because: e.because }));
  if (out.length < options.n && options.fallback) {
    const picked = new Set(out.map((r) => r.item));
    for (let f = 0; f < options.fallback.length && out.length < options.n; f++) {
      const j = options.fallback[f] ?? -1;
      if (j < 0 || picked.has(j) || own.has(j) || options.exclude?.[j]) continue;
      picked.add(j);
      out.push({ item: j, score: 0, because: -1 });
    }
  }
  return out;
}
