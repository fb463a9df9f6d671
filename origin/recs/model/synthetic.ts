/**
 * A seeded generative listening log with known structure, for the offline
 * evaluation: genres and languages; artists with a genre (sometimes two), a
 * language and a power-law popularity; listeners with a latent taste over 1–3
 * genres, a language preference and favourite artists; sessions within one
 * taste genre, with replays, exploration outside the taste and skips (more
 * often outside the taste). Same seed and sizes → the same log, byte for byte.
 */
import { SIGNAL_WEIGHTS, type RecsSignal } from "../../../shared/recs/signals.ts";
import { catalogFromRecords, type CatalogArrays } from "./catalog.ts";
import type { InteractionLog } from "./log.ts";

export interface SyntheticOptions {
  listeners: number;
  tracks: number;
  plays: number;
  genres: number;
  seed: number;
  /** Start of the log (epoch ms); the log spans `days`. */
  start: number;
  days: number;
}

export const DEFAULT_SYNTHETIC: SyntheticOptions = {
  listeners: 20_000,
  tracks: 50_000,
  plays: 2_000_000,
  genres: 24,
  seed: 42,
  start: Date.UTC(2026, 5, 1),
  days: 180,
};

export const LANGUAGES = ["en", "ru", "es", "de", "fr", "ja", "pt", "zxx"] as const;

/** Plays in time order per listener (listener-major): one row per play. */
export interface SyntheticPlays {
  length: number;
  user: Int32Array;
  track: Int32Array;
  start: Float64Array;
  /** 1 completed, 0 skipped early. */
  completed: Uint8Array;
  liked: Uint8Array;
  /** offsets[u]..offsets[u+1] are listener u's plays. */
  offsets: Int32Array;
}

export interface SyntheticWorld {
  options: SyntheticOptions;
  catalog: CatalogArrays;
  durationMs: Float64Array;
  plays: SyntheticPlays;
}

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sampler {
  items: Int32Array;
  cumulative: Float64Array;
}

function sampler(items: number[], weight: (i: number) => number): Sampler {
  const cumulative = new Float64Array(items.length);
  let s = 0;
  items.forEach((it, n) => {
    s += weight(it);
    cumulative[n] = s;
  });
  return { items: Int32Array.from(items), cumulative };
}

function draw(s: Sampler, random: () => number): number {
  const total = s.cumulative[s.cumulative.length - 1] ?? 0;
  const x = random() * total;
  let lo = 0;
  let hi = s.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((s.cumulative[mid] ?? 0) > x) hi = mid;
    else lo = mid + 1;
  }
  return s.items[lo] ?? 0;
}

export function generateWorld(options: SyntheticOptions = DEFAULT_SYNTHETIC): SyntheticWorld {
  const random = rng(options.seed);
  const nArtists = Math.max(1, Math.round(options.tracks / 10));
  const genreLanguage = Array.from({ length: options.genres }, () => Math.floor(random() * (LANGUAGES.length - 1)));
  const genrePop = Array.from({ length: options.genres }, (_, g) => 1 / (g + 1) ** 0.6);
  const genreSampler = sampler(
    Array.from({ length: options.genres }, (_, g) => g),
    (g) => genrePop[g] ?? 0,
  );
  const artistGenres: number[][] = [];
  const artistLanguage: number[] = [];
  const artistPop = new Float64Array(nArtists);
  for (let a = 0; a < nArtists; a++) {
    const g = draw(genreSampler, random);
    const gs = [g];
    if (random() < 0.3) {
      const h = Math.floor(random() * options.genres);
      if (h !== g) gs.push(h);
    }
    artistGenres.push(gs);
    const r = random();
    artistLanguage.push(r < 0.7 ? (genreLanguage[g] ?? 0) : r < 0.8 ? LANGUAGES.length - 1 : Math.floor(random() * (LANGUAGES.length - 1)));
    // Power law over a random permutation: rank^-1.
    artistPop[a] = 1 / (1 + Math.floor(random() * nArtists));
  }
  const trackArtist = new Int32Array(options.tracks);
  const trackPop = new Float64Array(options.tracks);
  const durationMs = new Float64Array(options.tracks);
  const records: Array<{ artist: number; genres: string[]; language: string | null; loudness: number | null; eligible: boolean }> = [];
  const artistTracks: number[][] = Array.from({ length: nArtists }, () => []);
  for (let t = 0; t < options.tracks; t++) {
    const a = t < nArtists ? t : Math.floor(random() * nArtists);
    trackArtist[t] = a;
    artistTracks[a]?.push(t);
    trackPop[t] = (artistPop[a] ?? 0) * Math.exp(1.2 * gaussian(random));
    durationMs[t] = 120_000 + Math.floor(random() * 240_000);
    const gs = artistGenres[a] ?? [];
    records.push({
      artist: a,
      genres: gs.map((g) => `g${String(g).padStart(2, "0")}`),
      language: LANGUAGES[artistLanguage[a] ?? 0] ?? null,
      loudness: Math.round((-14 + (gs[0] ?? 0) * 0.2 - 2 + 3 * gaussian(random)) * 100) / 100,
      eligible: true,
    });
  }
  const catalog = catalogFromRecords(records, nArtists);
  const byGenre: number[][] = Array.from({ length: options.genres }, () => []);
  for (let t = 0; t < options.tracks; t++) for (const g of artistGenres[trackArtist[t] ?? 0] ?? []) byGenre[g]?.push(t);
  const genreTracks = byGenre.map((ts) => sampler(ts, (t) => trackPop[t] ?? 0));
  const artistSampler = artistTracks.map((ts) => sampler(ts, (t) => trackPop[t] ?? 0));
  const globalTracks = sampler(
    Array.from({ length: options.tracks }, (_, t) => t),
    (t) => trackPop[t] ?? 0,
  );

  // Activity: Pareto-distributed, scaled to the requested number of plays.
  const activity = Array.from({ length: options.listeners }, () => (1 - random()) ** (-1 / 1.5));
  const activitySum = activity.reduce((s, x) => s + x, 0);
  const counts = activity.map((x) => Math.max(3, Math.round((x / activitySum) * options.plays)));
  const total = counts.reduce((s, x) => s + x, 0);
  const plays: SyntheticPlays = {
    length: total,
    user: new Int32Array(total),
    track: new Int32Array(total),
    start: new Float64Array(total),
    completed: new Uint8Array(total),
    liked: new Uint8Array(total),
    offsets: new Int32Array(options.listeners + 1),
  };
  let row = 0;
  const span = options.days * 86_400_000;
  for (let u = 0; u < options.listeners; u++) {
    plays.offsets[u] = row;
    const nTaste = 1 + Math.floor(random() * 3);
    const taste: number[] = [];
    while (taste.length < nTaste) {
      const g = draw(genreSampler, random);
      if (!taste.includes(g)) taste.push(g);
    }
    const tasteWeights = taste.map(() => 0.2 + random());
    const tasteSampler = sampler(
      taste.map((_, n) => n),
      (n) => tasteWeights[n] ?? 0,
    );
    const language = random() < 0.7 ? (genreLanguage[taste[0] ?? 0] ?? 0) : -1;
    const favourites = taste.map((g) =>
      Array.from({ length: 2 + Math.floor(random() * 4) }, () => trackArtist[draw(genreTracks[g] ?? globalTracks, random)] ?? 0),
    );
    const history: number[] = [];
    const n = counts[u] ?? 0;
    let clock = options.start + random() * span * 0.5;
    const step = (span * 0.5) / n;
    let sessionLeft = 0;
    let sessionTaste = 0;
    for (let p = 0; p < n; p++) {
      if (sessionLeft === 0) {
        sessionLeft = 5 + Math.floor(random() * 15);
        sessionTaste = draw(tasteSampler, random);
        clock += step * 4 * random();
      }
      sessionLeft--;
      const g = taste[sessionTaste] ?? 0;
      const r = random();
      let track: number;
      let inTaste = true;
      if (r < 0.15 && history.length > 0) track = history[Math.floor(random() * history.length)] ?? 0;
      else if (r < 0.45) {
        const favs = favourites[sessionTaste] ?? [];
        track = draw(artistSampler[favs[Math.floor(random() * favs.length)] ?? 0] ?? globalTracks, random);
      } else if (r < 0.93) {
        track = draw(genreTracks[g] ?? globalTracks, random);
        if (language >= 0 && catalog.language[track] !== language && random() < 0.7) track = draw(genreTracks[g] ?? globalTracks, random);
      } else {
        track = draw(globalTracks, random);
        inTaste = (artistGenres[trackArtist[track] ?? 0] ?? []).some((x) => taste.includes(x));
      }
      const skip = random() < (inTaste ? 0.12 : 0.6);
      plays.user[row] = u;
      plays.track[row] = track;
      plays.start[row] = Math.round(clock);
      plays.completed[row] = skip ? 0 : 1;
      plays.liked[row] = !skip && random() < 0.04 ? 1 : 0;
      if (!skip) history.push(track);
      clock += (durationMs[track] ?? 180_000) * (skip ? 0.05 : 1) + 1_000;
      row++;
    }
  }
  plays.offsets[options.listeners] = row;
  return { options, catalog, durationMs, plays };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface ExpandedRow {
  signal: RecsSignal;
  at: number;
}

/**
 * The recs.interactions rows one play produces, as the recs consumer writes
 * them: 'play' at the start; 'complete' at the end or 'skip' 10 s in; 'like'
 * right after a completed play the listener liked.
 */
export function playSignals(world: SyntheticWorld, p: number): ExpandedRow[] {
  const { plays } = world;
  const at = plays.start[p] ?? 0;
  const duration = world.durationMs[plays.track[p] ?? 0] ?? 180_000;
  const rows: ExpandedRow[] = [{ signal: "play", at }];
  if (plays.completed[p]) rows.push({ signal: "complete", at: at + duration });
  else rows.push({ signal: "skip", at: at + 10_000 });
  if (plays.liked[p]) rows.push({ signal: "like", at: at + duration + 1 });
  return rows;
}

/** The interaction log of the plays selected by `keep` (weights rounded to float32, as stored). */
export function logOfPlays(world: SyntheticWorld, keep: (p: number) => boolean): InteractionLog {
  const u: number[] = [];
  const i: number[] = [];
  const w: number[] = [];
  const t: number[] = [];
  for (let p = 0; p < world.plays.length; p++) {
    if (!keep(p)) continue;
    for (const row of playSignals(world, p)) {
      u.push(world.plays.user[p] ?? 0);
      i.push(world.plays.track[p] ?? 0);
      w.push(SIGNAL_WEIGHTS[row.signal]);
      t.push(row.at);
    }
  }
  return { length: u.length, user: Int32Array.from(u), item: Int32Array.from(i), weight: Float32Array.from(w), time: Float64Array.from(t) };
}
