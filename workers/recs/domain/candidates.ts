/** The rows the wave's ranking works on: catalog rows, neighbour lists, popularity (read by wave-state.ts). */

export interface TrackMeta {
  id: string;
  title: string;
  artistId: string;
  artistName: string;
  explicit: boolean;
  genres: string[];
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
