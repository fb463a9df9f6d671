/** Reads of the model tables (recs.*_neighbors, recs.popular_tracks) and of the catalog the ranking needs. */
import { type Kysely, sql } from "kysely";
import type { Database } from "../../../shared/db/database.ts";

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

export interface WaveCandidateQuery {
  /** Tracks whose neighbour lists feed recommend() (the listener's strongest). */
  seeds: readonly string[];
  /** Neighbours read per seed (the trainer stores up to its K). */
  perSeed: number;
  segments: readonly string[];
  segmentDepth: number;
  /** Depth of the overall list ('all'), the exploration / cold-start pool. */
  allDepth: number;
  artistIds: readonly string[];
  perArtist: number;
}

export interface WaveCandidates {
  neighbors: Neighbor[];
  popular: Popular[];
  artistTracks: Array<{ id: string; artistId: string }>;
  /** Catalog rows of every candidate that is published (the others are left out here). */
  meta: Map<string, TrackMeta>;
}

/** JSON arrays, not objects: the edge parses this row on every wave request, so it stays small. */
type CandidateRow = {
  /** seed id → its list, best first: [neighbour id, score] (score as stored, float4). */
  neighbors: Record<string, Array<[string, number]>>;
  /** [segment, track id, score], each segment best first. */
  popular: Array<[string, string, number]>;
  /** [artist id, track id], each artist's most popular first. */
  artists: Array<[string, string]>;
  /** Published candidates only: [id, title, artist id, artist name, explicit, genres, language]. */
  meta: Array<[string, string, string, string, boolean, string[], string | null]>;
};

/**
 * Every source of wave candidates and their catalog rows in one statement:
 * the neighbour lists of the seeds, popularity per segment and overall, the
 * most popular tracks of some artists. Popularity rows of unpublished tracks
 * still come back (they have no catalog row) so a segment's maximum stays the
 * trainer's.
 *
 * One row of JSON aggregates rather than a row per candidate: in workerd the
 * driver's per-row parsing and the socket reads were most of a wave request's
 * CPU (`npm run bench:recs:wave -- --profile`), and ~800 rows repeated each
 * candidate's catalog columns.
 */
export async function waveCandidates(db: Kysely<Database>, query: WaveCandidateQuery): Promise<WaveCandidates> {
  const segments = [...query.segments];
  const result = await sql<CandidateRow>`
    with nb as (
      select n.track_id, n.neighbor_id, n.score, n.rank
      from recs.track_neighbors n where n.track_id = any(${[...query.seeds]}::uuid[]) and n.rank < ${query.perSeed}),
    pop as (
      select p.segment, p.track_id, p.score, p.rank
      from recs.popular_tracks p
      where (p.segment = any(${segments}::text[]) and p.rank < ${query.segmentDepth}) or (p.segment = 'all' and p.rank < ${query.allDepth})),
    art as (
      select id, artist_id, n from (
        select t.id, t.artist_id, row_number() over (partition by t.artist_id order by coalesce(s.popularity, 0) desc, t.id) as n
        from catalog.tracks t left join catalog.track_stats s on s.track_id = t.id
        where t.artist_id = any(${[...query.artistIds]}::uuid[]) and t.status = 'published'
      ) ranked where n <= ${query.perArtist})
    select
      coalesce((select json_object_agg(track_id, list) from (
        select track_id, json_agg(json_build_array(neighbor_id, score) order by rank) as list from nb group by track_id) lists), '{}') as neighbors,
      coalesce((select json_agg(json_build_array(segment, track_id, score::float8) order by segment, rank) from pop), '[]') as popular,
      coalesce((select json_agg(json_build_array(artist_id, id) order by artist_id, n) from art), '[]') as artists,
      coalesce((
        select json_agg(json_build_array(t.id, t.title, t.artist_id, a.name, t.explicit, t.genres, t.language))
        from catalog.tracks t join catalog.artists a on a.id = t.artist_id
        where t.status = 'published' and t.published_at is not null
          and t.id in (select neighbor_id from nb union select track_id from pop union select id from art)), '[]') as meta`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error("wave candidates statement returned nothing");
  const out: WaveCandidates = { neighbors: [], popular: [], artistTracks: [], meta: new Map() };
  // Seeds in id order, as the rows came before: recommend() breaks score ties by first appearance.
  for (const seed of [...query.seeds].sort()) for (const [id, score] of row.neighbors[seed] ?? []) out.neighbors.push({ seed, id, score });
  for (const [segment, id, score] of row.popular) out.popular.push({ segment, id, score });
  for (const [artistId, id] of row.artists) out.artistTracks.push({ id, artistId });
  for (const [id, title, artistId, artistName, explicit, genres, language] of row.meta) {
    out.meta.set(id, { id, title, artistId, artistName, explicit, genres, language });
  }
  return out;
}
