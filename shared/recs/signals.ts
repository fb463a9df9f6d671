/**
 * Implicit-feedback weights of the recommendation signals (issue 12). The recs
 * consumer stores `weight` with each row of recs.interactions, so the trainer
 * and the offline evaluation read the same numbers; change them here only.
 *
 * Why these values: a completed play is the unit; a like or a playlist add is a
 * deliberate act and counts more; a skip in the first 30 s is the listener
 * saying "not this", so it is negative; a wave dislike also hides the track.
 */
export const SIGNAL_WEIGHTS = {
  play: 0.3,
  complete: 1,
  skip: -1,
  like: 2,
  unlike: -2,
  playlist_add: 1.5,
  wave_like: 2,
  wave_dislike: -3,
  wave_skip: -0.5,
  // Per track the like covers: an album's tracks are liked less surely than one track,
  // an artist's most popular tracks less again (ALBUM_LIKE_TRACKS, ARTIST_LIKE_TRACKS).
  album_like: 1,
  album_unlike: -1,
  artist_like: 0.5,
  artist_unlike: -0.5,
} as const;

export type RecsSignal = keyof typeof SIGNAL_WEIGHTS;

/** How many of an album's published tracks (in album order) an album like covers. */
export const ALBUM_LIKE_TRACKS = 100;
/** How many of an artist's published tracks (most popular first) an artist like covers. */
export const ARTIST_LIKE_TRACKS = 20;

/** A play that ends before this position without completing counts as a skip. */
export const EARLY_SKIP_MS = 30_000;
