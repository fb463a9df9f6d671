/** The rows the wave's ranking works on: catalog rows, neighbour lists, popularity (read by wave-state.ts). */

/** What the ranking needs of every candidate (published tracks only). */
export interface CandidateMeta {
  id: string;
  artistId: string;
  explicit: boolean;
  genres: string[];
}

/** The profile's tracks also name reasons and weigh artists, genres and languages. */
export interface TrackMeta extends CandidateMeta {
  title: string;
  artistName: string;
  language: string | null;
}

export interface Neighbor {
  seed: string;
  id: string;
  score: number;
}

export interface Popular {
  segment: string;
  id: string;
  score: number;
}
