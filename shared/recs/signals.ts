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
} as const;

export type RecsSignal = keyof typeof SIGNAL_WEIGHTS;

/** A play that ends before this position without completing counts as a skip. */
export const EARLY_SKIP_MS = 30_000;
